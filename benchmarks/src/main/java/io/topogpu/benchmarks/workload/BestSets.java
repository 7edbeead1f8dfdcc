package io.topogpu.benchmarks.workload;

import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The best bandwidth any k-GPU subset of a node shape reaches under the locality model's pair classes,
 * found by brute force over all subsets (at most C(8,4) = 70 per size), memoised per (shape, k). A pod is
 * "on its best possible GPU set" when its set reaches this value.
 */
public final class BestSets {
  /** Best worst-pair bandwidth of a k-subset and whether that subset is all NVLink. */
  public record Best(double gbps, boolean allNvlink) {}

  private static final Map<String, Best> MEMO = new ConcurrentHashMap<>();

  private BestSets() {}

  public static Best of(NodeKind kind, NodeTopology t, int k) {
    return MEMO.computeIfAbsent(kind.shape() + "/" + k, key -> search(kind, t, k));
  }

  private static Best search(NodeKind kind, NodeTopology t, int k) {
    int n = t.gpuCount();
    if (k > n || k < 1) {
      throw new IllegalArgumentException("cannot pick " + k + " of " + n + " GPUs");
    }
    Best best = null;
    for (long mask = 0; mask < 1L << n; mask++) {
      if (Long.bitCount(mask) != k) {
        continue;
      }
      List<Integer> set = new ArrayList<>();
      for (int g = 0; g < n; g++) {
        if ((mask & 1L << g) != 0) {
          set.add(g);
        }
      }
      double b = LocalityModel.intra(kind, t, set);
      if (best == null || b > best.gbps()) {
        best = new Best(b, allNvlink(t, set));
      }
    }
    return best;
  }

  private static boolean allNvlink(NodeTopology t, List<Integer> set) {
    for (int i = 0; i < set.size(); i++) {
      for (int j = i + 1; j < set.size(); j++) {
        if (!t.link(set.get(i), set.get(j)).isNvlink()) {
          return false;
        }
      }
    }
    return true;
  }
}
