package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.model.Shape;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which GPUs the stock NVIDIA device plugin hands a pod on a node, so the kube-scheduler baselines get the
 * GPU sets they would get in a real cluster. A port of go-gpuallocator's {@code bestEffortPolicy.Allocate}
 * (NVIDIA/go-gpuallocator {@code gpuallocator/besteffort_policy.go}, which k8s-device-plugin's
 * {@code alignedAlloc} calls for full GPUs; see reference/podresources-api.md §5):
 *
 * <ol>
 *   <li>Pad the free GPUs (index order, as kubelet lists them) with empty slots to a multiple of
 *       {@code size}; enumerate every partition into sets of {@code size} (a set holds no padding or all of
 *       it), first-device-first order; keep the first partition with the highest total score.
 *   <li>Return the first set of that partition with the highest set score. Size 1: the first free GPU.
 * </ol>
 *
 * Pair score (calculateGPUPairScore): PCIe common ancestor SYS 10, NODE 20, PHB 30, PXB 40, PIX 50, plus
 * 100 per <em>direct</em> NVLink. On NVSwitch nodes the links end at the switch, so NVLink adds nothing and
 * the PCIe class, which {@code topo -m} hides behind {@code NV#}, is taken from NUMA: same NUMA group 20
 * (SameCPU), else 10 (CrossCPU) — an inference, as the reference notes. Memoised per (shape, free, size).
 */
public final class DevicePluginAllocator {
  private record Key(Shape shape, long free, int size) {}

  private final Map<Key, Long> memo = new ConcurrentHashMap<>();

  /** The GPU indices (bit mask) the plugin picks from {@code freeMask}; 0 when fewer than {@code size} are free. */
  public long allocate(NodeTopology t, long freeMask, int size) {
    if (Long.bitCount(freeMask) < size || size < 1) {
      return 0;
    }
    return memo.computeIfAbsent(new Key(Shape.of(t), freeMask, size), k -> compute(t, freeMask, size));
  }

  private static long compute(NodeTopology t, long freeMask, int size) {
    List<Integer> devices = new ArrayList<>();
    for (int g = 0; g < t.gpuCount(); g++) {
      if ((freeMask & 1L << g) != 0) {
        devices.add(g);
      }
    }
    if (size == 1) {
      return 1L << devices.get(0);
    }
    int[][] score = pairScores(t);
    int padding = 0;
    while ((devices.size() + padding) % size != 0) {
      padding++;
    }
    for (int p = 1; p <= padding; p++) {
      devices.add(-p); // padding slots: distinct negative ids
    }
    Search s = new Search(score, size, padding);
    s.iterate(devices, new ArrayList<>());
    int bestScore = Integer.MIN_VALUE;
    List<Integer> bestSet = null;
    for (List<Integer> set : s.bestPartition) {
      if (set.stream().anyMatch(g -> g < 0)) {
        continue;
      }
      int sc = setScore(score, set);
      if (sc > bestScore) {
        bestScore = sc;
        bestSet = set;
      }
    }
    long mask = 0;
    for (int g : bestSet) {
      mask |= 1L << g;
    }
    return mask;
  }

  /** The exhaustive partition walk of iterateGPUPartitions, keeping the first best-scoring partition. */
  private static final class Search {
    final int[][] score;
    final int size;
    final int padding;
    List<List<Integer>> bestPartition;
    int bestScore;

    Search(int[][] score, int size, int padding) {
      this.score = score;
      this.size = size;
      this.padding = padding;
    }

    void iterate(List<Integer> devices, List<List<Integer>> accum) {
      if (devices.size() == size) {
        List<List<Integer>> partition = new ArrayList<>(accum);
        partition.add(devices);
        int total = partition.stream().mapToInt(set -> setScore(score, set)).sum();
        if (bestPartition == null || total > bestScore) {
          bestPartition = partition;
          bestScore = total;
        }
        return;
      }
      int first = devices.get(0);
      List<Integer> rest = devices.subList(1, devices.size());
      combinations(rest, size - 1, 0, new ArrayList<>(), tail -> {
        List<Integer> set = new ArrayList<>(size);
        set.add(first);
        set.addAll(tail);
        long pad = set.stream().filter(g -> g < 0).count();
        if (pad != 0 && pad != padding) {
          return;
        }
        List<Integer> remaining = new ArrayList<>(devices);
        remaining.removeAll(set);
        List<List<Integer>> next = new ArrayList<>(accum);
        next.add(List.copyOf(set));
        iterate(remaining, next);
      });
    }

    /** Sets of {@code k} from {@code from[start..]} in lexicographic index order (iterateGPUSets). */
    private static void combinations(List<Integer> from, int k, int start, List<Integer> acc,
        java.util.function.Consumer<List<Integer>> out) {
      if (acc.size() == k) {
        out.accept(acc);
        return;
      }
      for (int i = start; i < from.size(); i++) {
        acc.add(from.get(i));
        combinations(from, k, i + 1, acc, out);
        acc.remove(acc.size() - 1);
      }
    }
  }

  static int setScore(int[][] score, List<Integer> set) {
    int s = 0;
    for (int i = 0; i < set.size(); i++) {
      for (int j = i + 1; j < set.size(); j++) {
        if (set.get(i) >= 0 && set.get(j) >= 0) {
          s += score[set.get(i)][set.get(j)];
        }
      }
    }
    return s;
  }

  static int[][] pairScores(NodeTopology t) {
    int n = t.gpuCount();
    int[][] s = new int[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          s[i][j] = pairScore(t, i, j);
        }
      }
    }
    return s;
  }

  /** calculateGPUPairScore for GPUs {@code i}, {@code j} (see the class comment). */
  static int pairScore(NodeTopology t, int i, int j) {
    Link link = t.link(i, j);
    if (link.isNvlink()) {
      int pcie = t.numaGroupOf(i) == t.numaGroupOf(j) ? 20 : 10;
      return pcie + (link.nvswitch() ? 0 : 100 * link.nvlinks());
    }
    return switch (link.kind()) {
      case SYS -> 10;
      case NODE -> 20;
      case PHB -> 30;
      case PXB -> 40;
      case PIX -> 50;
      case NVLINK -> throw new IllegalStateException("unreachable");
    };
  }
}
