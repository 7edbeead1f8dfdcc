package io.topogpu.scheduler.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.LedgerNote;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Decision;
import io.topogpu.scheduler.placement.NodeEvaluation;
import io.topogpu.scheduler.placement.ScoreBreakdown;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The what-if result for one pod, as plain data: rendered as text or serialised as JSON. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PlaceReport(
    String pod,
    String request,
    String required,
    String preferred,
    Choice chosen,
    List<Choice> runnersUp,
    List<Rejected> rejected,
    String summary) {

  /** How many runner-up nodes are listed. */
  static final int RUNNERS_UP = 3;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  record Choice(String node, int score, double raw, List<Integer> gpus, List<String> uuids,
      List<MigSlot> mig, int milli, String links, Map<String, Double> terms, Map<String, Integer> weights) {}

  record Rejected(String node, String code, String reason, boolean resolvable, String detail) {}

  static PlaceReport of(PodInfo pod, Decision d, Ledger ledger) {
    List<Choice> feasible = d.feasible().stream().map(e -> choice(e, ledger)).toList();
    return new PlaceReport(
        pod.key(),
        pod.request().orElseThrow().describe(),
        pod.placement().required().orElse(null),
        pod.placement().preferred().orElse(null),
        feasible.isEmpty() ? null : feasible.get(0),
        feasible.stream().skip(1).limit(RUNNERS_UP).toList(),
        d.rejected().stream().map(e -> {
          var r = e.rejection().orElseThrow();
          return new Rejected(e.node(), r.code(), r.reason(), r.resolvable(), r.detail());
        }).toList(),
        d.summary());
  }

  private static Choice choice(NodeEvaluation e, Ledger ledger) {
    Assignment a = e.assignment().orElseThrow();
    ScoreBreakdown s = e.score().orElseThrow();
    Map<String, Double> terms = new LinkedHashMap<>();
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (ScoreBreakdown.TermScore t : s.terms()) {
      terms.put(t.term(), t.applies() ? Math.round(t.value() * 1000) / 1000.0 : null);
      weights.put(t.term(), t.weight());
    }
    NodeTopology topo = ledger.node(e.node()).flatMap(n -> n.topology()).orElseThrow();
    return new Choice(e.node(), s.score(), Math.round(s.raw() * 1000) / 1000.0, a.gpus(),
        a.gpuUuids().stream().allMatch(String::isEmpty) ? List.of() : a.gpuUuids(),
        a.mig(), a.milli(), links(topo, a), terms, weights);
  }

  /** {@code NV12×6, bottleneck 240 GB/s, 2 NUMA groups} for a GPU set; a MIG or share summary otherwise. */
  static String links(NodeTopology t, Assignment a) {
    if (!a.mig().isEmpty()) {
      return a.mig().stream().map(m -> "MIG " + m.profile() + " on GPU " + m.gpu() + " slices " + m.start()
          + ".." + (m.start() + m.size() - 1)).collect(Collectors.joining(", "));
    }
    if (a.isShare()) {
      return a.milli() + " milli of GPU " + a.gpus().get(0);
    }
    List<Integer> g = a.gpus();
    Map<String, Integer> histogram = new TreeMap<>();
    double bottleneck = Double.MAX_VALUE;
    for (int i = 0; i < g.size(); i++) {
      for (int j = i + 1; j < g.size(); j++) {
        histogram.merge(t.link(g.get(i), g.get(j)).label(), 1, Integer::sum);
        bottleneck = Math.min(bottleneck, t.bandwidth(g.get(i), g.get(j)));
      }
    }
    long numa = g.stream().map(t::numaGroupOf).distinct().count();
    if (histogram.isEmpty()) {
      return "single GPU, NUMA group " + t.numaGroupOf(g.get(0));
    }
    return histogram.entrySet().stream().map(x -> x.getKey() + "×" + x.getValue()).collect(Collectors.joining(" "))
        + String.format(Locale.ROOT, ", bottleneck %.0f GB/s, %d NUMA group%s", bottleneck, numa, numa == 1 ? "" : "s");
  }

  String text() {
    StringBuilder sb = new StringBuilder();
    sb.append("pod ").append(pod).append(": ").append(request);
    if (required != null) {
      sb.append(", required ").append(required);
    }
    if (preferred != null) {
      sb.append(", preferred ").append(preferred);
    }
    sb.append('\n');
    if (chosen == null) {
      sb.append("no node can take it\n");
    } else {
      sb.append("chosen: ").append(line(chosen)).append('\n');
      sb.append("  score ").append(chosen.score()).append("/10 = ").append(breakdown(chosen)).append('\n');
    }
    if (!runnersUp.isEmpty()) {
      sb.append("runner-up nodes:\n");
      runnersUp.forEach(c -> sb.append("  ").append(line(c)).append("\n    score ").append(c.score())
          .append("/10 = ").append(breakdown(c)).append('\n'));
    }
    if (!rejected.isEmpty()) {
      sb.append("rejected nodes:\n");
      rejected.forEach(r -> sb.append("  ").append(r.node()).append(": ").append(r.reason())
          .append(r.detail().isEmpty() ? "" : " (" + r.detail() + ")")
          .append(r.resolvable() ? " [could fit after pods leave]" : " [never]").append('\n'));
    }
    sb.append(summary).append('\n');
    return sb.toString();
  }

  private static String line(Choice c) {
    String devices = !c.mig().isEmpty() || c.milli() > 0 ? "" : "GPUs " + c.gpus().stream().map(String::valueOf)
        .collect(Collectors.joining(",")) + " ";
    return c.node() + " " + devices + "(" + c.links() + ")";
  }

  private static String breakdown(Choice c) {
    List<String> parts = new ArrayList<>();
    c.terms().forEach((term, v) -> parts.add(term + " " + (v == null ? "n/a"
        : String.format(Locale.ROOT, "%.2f", v)) + "×" + c.weights().get(term)));
    return "weighted mean of " + String.join(", ", parts);
  }

  static String json(List<PlaceReport> reports, List<LedgerNote> notes) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("placements", reports);
    root.put("ledgerNotes", notes.stream().map(LedgerNote::toString).toList());
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
