package io.topogpu.scheduler.placement;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The outcome of ranking every node for one pod.
 *
 * @param feasible feasible nodes, best first: score, then raw score, then node name
 * @param rejected rejected nodes by name
 */
public record Decision(String pod, List<NodeEvaluation> feasible, List<NodeEvaluation> rejected) {

  /** Best first. */
  static final Comparator<NodeEvaluation> RANKING = Comparator
      .comparingInt(NodeEvaluation::points).reversed()
      .thenComparing(Comparator.comparingDouble((NodeEvaluation e) -> e.score().orElseThrow().raw()).reversed())
      .thenComparing(NodeEvaluation::node);

  public Decision {
    feasible = feasible.stream().sorted(RANKING).toList();
    rejected = rejected.stream().sorted(Comparator.comparing(NodeEvaluation::node)).toList();
  }

  public Optional<NodeEvaluation> best() {
    return feasible.stream().findFirst();
  }

  public int nodes() {
    return feasible.size() + rejected.size();
  }

  /**
   * kube-scheduler's aggregated wording: {@code 0/12 nodes are available: 9 have fewer than 4 free
   * GPUs in one NVLink domain, 3 lack topology data.} Reasons by count, most frequent first, then
   * alphabetically.
   */
  public String summary() {
    String head = feasible.size() + "/" + nodes() + " nodes are available";
    if (rejected.isEmpty()) {
      return head + ".";
    }
    Map<String, Long> counts = rejected.stream().collect(Collectors.groupingBy(
        e -> e.rejection().orElseThrow().reason(), TreeMap::new, Collectors.counting()));
    return head + ": " + counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(e -> e.getValue() + " " + e.getKey())
        .collect(Collectors.joining(", ")) + ".";
  }
}
