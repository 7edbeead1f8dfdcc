package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.topology.objective.SetValue;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An independent, deliberately plain statement of the GPU-set objective of docs/placement.md: walk
 * every bit mask of the node's GPUs, keep those of size k inside the free set that satisfy the
 * constraint, score each as a tuple and keep the best. Shares no code with {@link GpuSetChooser}
 * or {@link SetValue}.
 */
final class BruteForce {
  private BruteForce() {}

  /** The best set as sorted GPU indices, or empty when no k-subset qualifies. */
  static Optional<List<Integer>> best(NodeTopology t, List<Integer> free, int k, LinkConstraint c) {
    int n = t.gpuCount();
    long[] bestTuple = null;
    int[] bestSet = null;
    for (long mask = 0; mask < (1L << n); mask++) {
      if (Long.bitCount(mask) != k) {
        continue;
      }
      int[] set = new int[k];
      int at = 0;
      boolean inside = true;
      for (int g = 0; g < n; g++) {
        if ((mask >> g & 1) == 1) {
          set[at++] = g;
          inside &= free.contains(g);
        }
      }
      if (!inside || !satisfies(t, set, c)) {
        continue;
      }
      long[] tuple = tuple(t, set, free);
      if (bestTuple == null || better(tuple, set, bestTuple, bestSet)) {
        bestTuple = tuple;
        bestSet = set;
      }
    }
    return bestSet == null ? Optional.empty() : Optional.of(Arrays.stream(bestSet).boxed().toList());
  }

  private static boolean satisfies(NodeTopology t, int[] set, LinkConstraint c) {
    if (set.length < 2 || c == LinkConstraint.NONE) {
      return true;
    }
    for (int g : set) {
      if (c == LinkConstraint.NVLINK
          && (t.nvlinkDomainOf(g) < 0 || t.nvlinkDomainOf(g) != t.nvlinkDomainOf(set[0]))) {
        return false;
      }
      if (c == LinkConstraint.NUMA && t.numaGroupOf(g) != t.numaGroupOf(set[0])) {
        return false;
      }
    }
    return true;
  }

  /** Larger is better in every position: {bottleneck, total, -numaSpan, leftDomain, leftNuma}. */
  private static long[] tuple(NodeTopology t, int[] set, List<Integer> free) {
    long min = 0;
    long sum = 0;
    boolean first = true;
    for (int a = 0; a < set.length; a++) {
      for (int b = a + 1; b < set.length; b++) {
        long bw = Math.round(t.bandwidth(set[a], set[b]) * 1000);
        min = first ? bw : Math.min(min, bw);
        first = false;
        sum += bw;
      }
    }
    long numa = Arrays.stream(set).map(t::numaGroupOf).distinct().count();
    List<Integer> left = new ArrayList<>(free);
    for (int g : set) {
      left.remove(Integer.valueOf(g));
    }
    Map<Integer, Integer> perDomain = new HashMap<>();
    Map<Integer, Integer> perNuma = new HashMap<>();
    for (int g : left) {
      if (t.nvlinkDomainOf(g) >= 0) {
        perDomain.merge(t.nvlinkDomainOf(g), 1, Integer::sum);
      }
      perNuma.merge(t.numaGroupOf(g), 1, Integer::sum);
    }
    long leftDomain = perDomain.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    long leftNuma = perNuma.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return new long[] {min, sum, -numa, leftDomain, leftNuma};
  }

  private static boolean better(long[] tuple, int[] set, long[] bestTuple, int[] bestSet) {
    int c = Arrays.compare(tuple, bestTuple);
    return c > 0 || (c == 0 && Arrays.compare(set, bestSet) < 0);
  }
}
