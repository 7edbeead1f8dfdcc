package io.topogpu.benchmarks.load;

import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The pending pods the load driver submits: whole-GPU pods of 1, 2, 4 or 8 GPUs in proportions
 * 35/25/25/15 % (mean 3.05 GPUs), the sizes training and inference jobs ask for. Deterministic for
 * a seed, so the real extender and the no-op floor see the same stream.
 */
public final class PodStream {
  private static final int[] SIZES = {1, 2, 4, 8};
  private static final int[] WEIGHTS = {35, 25, 25, 15};

  private PodStream() {}

  /** {@code count} pending pods named {@code <prefix>-<i>} in namespace {@code load}. */
  public static List<PodInfo> generate(String prefix, int count, long seed) {
    if (count < 0) {
      throw new IllegalArgumentException("pods: must be >= 0, got " + count);
    }
    Random rnd = new Random(seed);
    List<PodInfo> pods = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      pods.add(SyntheticCluster.pod("load", prefix + "-" + i, new GpuRequest.WholeGpus(size(rnd))));
    }
    return pods;
  }

  private static int size(Random rnd) {
    int x = rnd.nextInt(100);
    for (int s = 0; s < SIZES.length; s++) {
      x -= WEIGHTS[s];
      if (x < 0) {
        return SIZES[s];
      }
    }
    throw new IllegalStateException("weights must sum to 100");
  }
}
