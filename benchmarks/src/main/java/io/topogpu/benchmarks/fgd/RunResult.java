package io.topogpu.benchmarks.fgd;

import java.util.List;

/**
 * The outcome of one (workload, policy, seed) run. {@code arrivals = placed + failed} always; the
 * headline number is {@code 100 − curves.allocation[100]}, the unallocated GPU % at 100 % arrived demand.
 * {@code placements} is empty unless the run was asked to keep them (tests).
 */
public record RunResult(String workload, String policy, long seed, int totalGpus, int arrivals, int placed,
    int failed, Curves curves, List<Placement> placements) {

  /** One committed placement: pod, node name, GPU indices. */
  public record Placement(PodRequest pod, String node, int[] gpus) {}

  public double allocAt(int column) {
    return curves.allocation()[column];
  }

  public double unallocatedAt100() {
    return 100 - allocAt(100);
  }
}
