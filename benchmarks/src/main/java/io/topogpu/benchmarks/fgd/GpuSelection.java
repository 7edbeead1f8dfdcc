package io.topogpu.benchmarks.fgd;

import java.util.SplittableRandom;

/**
 * GPU choice inside the chosen node (fgd-protocol.md §5). Whole-GPU pods always take the {@code count}
 * lowest-index fully free GPUs; the methods differ only for GPU-sharing pods. CPU-only pods get none.
 */
final class GpuSelection {
  private static final int[] NONE = new int[0];

  private GpuSelection() {}

  /** Sharing pod: the GPU with the smallest gpuLeft ≥ milli, ties to the lowest index. */
  static int[] bestFit(PodRequest pod, SimNode node) {
    if (!pod.sharing()) {
      return whole(pod, node);
    }
    int best = -1;
    for (int i = 0; i < node.gpuCount(); i++) {
      int left = node.gpuLeft(i);
      if (left >= pod.gpuMilli() && (best < 0 || left < node.gpuLeft(best))) {
        best = i;
      }
    }
    return new int[] {best};
  }

  /** Sharing pod: uniform among the GPUs with gpuLeft ≥ milli. */
  static int[] random(PodRequest pod, SimNode node, SplittableRandom random) {
    if (!pod.sharing()) {
      return whole(pod, node);
    }
    int[] candidates = new int[node.gpuCount()];
    int n = 0;
    for (int i = 0; i < node.gpuCount(); i++) {
      if (node.gpuLeft(i) >= pod.gpuMilli()) {
        candidates[n++] = i;
      }
    }
    return new int[] {candidates[random.nextInt(n)]};
  }

  /** The {@code count} lowest-index fully free GPUs (none for a CPU-only pod). */
  static int[] whole(PodRequest pod, SimNode node) {
    if (pod.cpuOnly()) {
      return NONE;
    }
    int[] chosen = new int[pod.gpuCount()];
    int n = 0;
    for (int i = 0; i < node.gpuCount() && n < chosen.length; i++) {
      if (node.gpuLeft(i) == PodRequest.MILLI) {
        chosen[n++] = i;
      }
    }
    return chosen;
  }
}
