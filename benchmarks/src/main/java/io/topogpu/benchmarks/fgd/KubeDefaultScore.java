package io.topogpu.benchmarks.fgd;

/**
 * kube-scheduler's default node scoring for a pod no extender manages (here: CPU-only pods), over CPU
 * and memory, both plugins at weight 1, integer arithmetic as in kube-scheduler; with {@code f_r =
 * (allocated_r + request_r) / capacity_r} after placing the pod:
 *
 * <pre>
 *   leastAllocated = ⌊ Σ_r ⌊100 × (capacity_r − allocated_r − request_r) / capacity_r⌋ / 2 ⌋
 *   balanced       = ⌊100 × (1 − |f_cpu − f_mem| / 2)⌋     (the standard deviation of two fractions)
 *   score          = leastAllocated + balanced
 * </pre>
 *
 * Only nodes passing the in-tree filters (CPU and memory) are scored.
 */
final class KubeDefaultScore {
  private KubeDefaultScore() {}

  static long score(PodRequest pod, SimNode node) {
    long cpuCap = node.spec().cpuMilli();
    long memCap = node.spec().memoryMib();
    long cpuLeftAfter = node.cpuLeft() - pod.cpuMilli();
    long memLeftAfter = node.memLeft() - pod.memoryMib();
    long least = (100 * cpuLeftAfter / cpuCap + 100 * memLeftAfter / memCap) / 2;
    double fCpu = 1 - (double) cpuLeftAfter / cpuCap;
    double fMem = 1 - (double) memLeftAfter / memCap;
    long balanced = (long) (100 * (1 - Math.abs(fCpu - fMem) / 2));
    return least + balanced;
  }
}
