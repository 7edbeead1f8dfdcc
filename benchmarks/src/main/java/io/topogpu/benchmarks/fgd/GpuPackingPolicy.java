package io.topogpu.benchmarks.fgd;

import java.util.Arrays;
import java.util.Comparator;

/**
 * 04-GpuPacking (fgd-protocol.md §6.4). CPU-only pods score 0 everywhere. For a GPU pod on a node with
 * {@code free} fully free GPUs out of {@code g}:
 * <ul>
 *   <li>completely free node ({@code free = g}): {@code max(33 − free, free)} (smallest idle nodes first);
 *   <li>otherwise take the first {@code count} GPUs with gpuLeft ≥ milli in ascending gpuLeft order (stable);
 *       if {@code k > 0} of them were fully free: {@code max(50 − k, 33)}; else with
 *       {@code r = Σ (gpuLeft × 100) // 1000} over them: {@code max(100 − r // 10, 50)}.
 * </ul>
 */
final class GpuPackingPolicy extends ScoringPolicy {

  @Override
  int score(PodRequest pod, SimNode node) {
    if (pod.cpuOnly()) {
      return 0;
    }
    int free = node.gpusWithAtLeast(PodRequest.MILLI);
    if (free == node.gpuCount()) {
      return Math.max(33 - free, free);
    }
    Integer[] order = new Integer[node.gpuCount()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt(node::gpuLeft));
    int taken = 0;
    int fullyFree = 0;
    int r = 0;
    for (int i : order) {
      if (taken == pod.gpuCount()) {
        break;
      }
      int left = node.gpuLeft(i);
      if (left >= pod.gpuMilli()) {
        taken++;
        fullyFree += left == PodRequest.MILLI ? 1 : 0;
        r += (left * 100) / 1000;
      }
    }
    return fullyFree > 0 ? Math.max(50 - fullyFree, 33) : Math.max(100 - r / 10, 50);
  }
}
