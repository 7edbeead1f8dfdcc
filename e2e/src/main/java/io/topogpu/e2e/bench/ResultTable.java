package io.topogpu.e2e.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The benchmark's report in Markdown: per-run rates, medians, the ratio, and where bind time went. */
final class ResultTable {
  private ResultTable() {}

  static String markdown(List<RunResult> results, PodMix mix, String command) {
    StringBuilder b = new StringBuilder();
    b.append("Command: `").append(command).append("`  \n");
    b.append("Pods: ").append(mix.name().toLowerCase(Locale.ROOT)).append(" mix; machine: ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores\n\n");
    b.append("| nodes | target | pods bound/s per run | median | ratio to alone |\n|---|---|---|---|---|\n");
    Map<Integer, Map<Target, List<RunResult>>> byNodes = new TreeMap<>();
    for (RunResult r : results) {
      byNodes.computeIfAbsent(r.nodes(), n -> new TreeMap<>()).computeIfAbsent(r.target(), t -> new ArrayList<>())
          .add(r);
    }
    byNodes.forEach((nodes, byTarget) -> {
      double alone = median(byTarget.getOrDefault(Target.ALONE, List.of()));
      byTarget.forEach((target, runs) -> {
        double m = median(runs);
        String perRun = runs.stream().map(r -> String.format(Locale.ROOT, "%.1f%s", r.rate().podsPerSecond(),
            r.rate().binds() < r.pods() ? " (" + r.rate().binds() + "/" + r.pods() + " bound)" : ""))
            .collect(Collectors.joining(", "));
        b.append(String.format(Locale.ROOT, "| %d | %s | %s | **%.1f** | %s |%n", nodes, target.label(), perRun, m,
            Double.isNaN(alone) ? "" : String.format(Locale.ROOT, "%.2f×", m / alone)));
      });
    });
    b.append("\nPer run: extender mean ms per call (calls), API server requests on pods per bound pod "
        + "(API server mean ms per request):\n\n");
    b.append("| nodes | target | run | filter | prioritize | bind | API requests per bind | CPU ms per pod |\n"
        + "|---|---|---|---|---|---|---|---|\n");
    for (RunResult r : results) {
      b.append(String.format(Locale.ROOT, "| %d | %s | %d | %s | %s | %s | %s | %s |%n", r.nodes(),
          r.target().label(), r.run(), verb(r, "filter"), verb(r, "prioritize"), verb(r, "bind"), api(r), cpu(r)));
    }
    return b.toString();
  }

  private static String verb(RunResult r, String verb) {
    Double ms = r.extenderMs().get(verb);
    return ms == null ? "–" : String.format(Locale.ROOT, "%.1f (%.0f)", ms, r.extenderCalls().get(verb));
  }

  /** Writes and reads of single pods: what a bind costs (lists and watches are the informers'). */
  private static String api(RunResult r) {
    List<String> parts = new ArrayList<>();
    for (String key : new TreeSet<>(r.apiCalls().keySet())) {
      if (key.startsWith("LIST") || key.startsWith("WATCH")) {
        continue;
      }
      parts.add(String.format(Locale.ROOT, "%s %.2f (%.1f ms)", key, r.callsPerBind(key),
          r.apiServerMs().getOrDefault(key, Double.NaN)));
    }
    return String.join("; ", parts);
  }

  private static String cpu(RunResult r) {
    return r.cpuMsPerPod().entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())).collect(Collectors.joining("; "));
  }

  private static double median(List<RunResult> runs) {
    return BindRate.median(runs.stream().map(r -> r.rate().podsPerSecond()).toList());
  }
}
