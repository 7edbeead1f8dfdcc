package io.topogpu.benchmarks.load;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How kube-scheduler passes candidate nodes to the extender: {@code names} ({@code
 * nodeCacheCapable: true}, a list of names) or {@code full} ({@code nodeCacheCapable: false},
 * whole Node objects, megabytes per call at thousands of nodes). {@code sampled} is {@code names}
 * as kube-scheduler sends them with its default adaptive {@code percentageOfNodesToScore}: it stops
 * looking once it has {@link #feasibleNodesToFind} feasible nodes and calls the extender with those
 * only ({@link LoadDriver}).
 */
public enum NodeListMode {
  NAMES,
  FULL,
  SAMPLED;

  /** kube-scheduler's compiled-in defaults (pkg/scheduler/schedule_one.go). */
  static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
  static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
  static final int BASE_PERCENTAGE_OF_NODES_TO_SCORE = 50;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether requests carry whole Node objects rather than names. */
  public boolean fullNodes() {
    return this == FULL;
  }

  /**
   * kube-scheduler's {@code numFeasibleNodesToFind} with {@code percentageOfNodesToScore} unset:
   * every node below 100 nodes; otherwise {@code n × p / 100}, at least 100, with the adaptive
   * {@code p = max(5, 50 − n / 125)} (integer division): 420 of 1,000 nodes, 500 of 5,000 (10 %),
   * 500 of 10,000 (5 %).
   */
  public static int feasibleNodesToFind(int nodes) {
    if (nodes < MIN_FEASIBLE_NODES_TO_FIND) {
      return nodes;
    }
    int percentage = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND,
        BASE_PERCENTAGE_OF_NODES_TO_SCORE - nodes / 125);
    return Math.max(MIN_FEASIBLE_NODES_TO_FIND, nodes * percentage / 100);
  }

  /**
   * {@code names}, {@code full}, {@code sampled}, or {@code both} (names and full); anything else
   * fails naming the valid values.
   */
  public static List<NodeListMode> parse(String value) {
    if ("both".equals(value)) {
      return List.of(NAMES, FULL);
    }
    return Arrays.stream(values()).filter(m -> m.label().equals(value)).findFirst().map(List::of)
        .orElseThrow(() -> new IllegalArgumentException(
            "mode: expected names, full, sampled or both, got '" + value + "'"));
  }
}
