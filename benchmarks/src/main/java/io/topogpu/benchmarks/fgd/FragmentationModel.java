package io.topogpu.benchmarks.fgd;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Expected GPU fragmentation of a node under the target workload (fgd-protocol.md §7.1–7.2), in milli-GPU:
 * {@code F(n) = Σ_m p_m × frag_m(n)}, where, with {@code idle = Σ gpuLeft}:
 * <ul>
 *   <li>{@code frag_m = 0} if idle = 0;
 *   <li>{@code frag_m = idle} if m is CPU-only, or m's GPU type excludes the node's model, or m cannot run
 *       on the node (fewer than count GPUs with gpuLeft ≥ milli, or cpuLeft &lt; cpu);
 *   <li>otherwise {@code frag_m = Σ gpuLeft[i]} over the GPUs with {@code gpuLeft[i] < milli}.
 * </ul>
 * Memory plays no part. F depends only on (model, cpuLeft, multiset of gpuLeft), which is the memo key.
 * One instance per run: the memo is not thread-safe.
 */
public final class FragmentationModel {
  private static final int MEMO_LIMIT = 2_000_000;

  private final long[] cpu;
  private final int[] milli;
  private final int[] count;
  private final double[] probability;
  /** noAccess[m][modelIndex]: type m's GPU-type string excludes that model. */
  private final boolean[][] noAccess;
  private final Map<Key, Double> memo = new HashMap<>();

  /** {@code models} lists the node models; a node's model index is its position in this list. */
  public FragmentationModel(TypicalPods typical, List<String> models) {
    int n = typical.entries().size();
    cpu = new long[n];
    milli = new int[n];
    count = new int[n];
    probability = new double[n];
    noAccess = new boolean[n][models.size()];
    for (int m = 0; m < n; m++) {
      TypicalPods.Entry e = typical.entries().get(m);
      cpu[m] = e.type().cpuMilli();
      milli[m] = e.type().gpuMilli();
      count[m] = e.type().gpuCount();
      probability[m] = e.probability();
      for (int k = 0; k < models.size(); k++) {
        noAccess[m][k] = !PodRequest.allowsModel(e.type().gpuType(), models.get(k));
      }
    }
  }

  private FragmentationModel(FragmentationModel m, long[] cpu) {
    this.cpu = cpu;
    this.milli = m.milli;
    this.count = m.count;
    this.probability = m.probability;
    this.noAccess = m.noAccess;
  }

  /**
   * The same target workload with every type's CPU request set to 0 (a fresh memo): F as a scheduler
   * that sees only GPUs would compute it. For the {@code fgd-gpu-only} diagnostic policy.
   */
  public FragmentationModel ignoringCpu() {
    return new FragmentationModel(this, new long[cpu.length]);
  }

  /** F of the node state (memoised). {@code gpuLeft} is not modified or retained. */
  public double nodeFragmentation(int modelIndex, long cpuLeft, int[] gpuLeft) {
    int[] sorted = gpuLeft.clone();
    insertionSort(sorted);
    Key key = Key.of(modelIndex, cpuLeft, sorted);
    Double cached = memo.get(key);
    if (cached != null) {
      return cached;
    }
    double f = compute(modelIndex, cpuLeft, sorted);
    if (memo.size() >= MEMO_LIMIT) {
      memo.clear();
    }
    memo.put(key, f);
    return f;
  }

  private double compute(int modelIndex, long cpuLeft, int[] gpuLeft) {
    long idle = 0;
    for (int g : gpuLeft) {
      idle += g;
    }
    if (idle == 0) {
      return 0;
    }
    double f = 0;
    for (int m = 0; m < probability.length; m++) {
      f += probability[m] * fragmentation(m, modelIndex, cpuLeft, gpuLeft, idle);
    }
    return f;
  }

  private long fragmentation(int m, int modelIndex, long cpuLeft, int[] gpuLeft, long idle) {
    if (milli[m] == 0 || noAccess[m][modelIndex]) {
      return idle;
    }
    int big = 0;
    long small = 0;
    for (int g : gpuLeft) {
      if (g >= milli[m]) {
        big++;
      } else {
        small += g;
      }
    }
    return big >= count[m] && cpuLeft >= cpu[m] ? small : idle;
  }

  private static void insertionSort(int[] a) {
    for (int i = 1; i < a.length; i++) {
      int v = a[i];
      int j = i - 1;
      while (j >= 0 && a[j] > v) {
        a[j + 1] = a[j--];
      }
      a[j + 1] = v;
    }
  }

  /**
   * Packs (model, cpuLeft, sorted gpuLeft) into two longs: {@code hi} = cpuLeft, GPU count, model and the
   * last two GPUs (10 bits each); {@code lo} = the first six GPUs. Valid for ≤ 8 GPUs, ≤ 1000 milli each,
   * model index &lt; 32 and cpuLeft &lt; 2^34.
   */
  private record Key(long hi, long lo) {
    static Key of(int model, long cpuLeft, int[] sorted) {
      long lo = 0;
      long hi = (cpuLeft << 29) | ((long) sorted.length << 5) | model;
      for (int i = 0; i < sorted.length; i++) {
        if (i < 6) {
          lo |= (long) sorted[i] << (10 * i);
        } else {
          hi |= (long) sorted[i] << (9 + 10 * (i - 6));
        }
      }
      return new Key(hi, lo);
    }
  }
}
