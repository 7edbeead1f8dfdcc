package io.topogpu.benchmarks.workload;

import java.util.List;

/**
 * One policy's run over a trace window.
 *
 * @param totalGpus GPUs of the cluster
 * @param endTime time of the last event, seconds
 * @param maxHoldersPerGpu the most holders any GPU had after any event (1 when nothing was over-allocated)
 * @param holds starvation holds taken (0 for policies without the hold)
 * @param heldFreeGpuHours GPU-hours that held nodes had free while held: capacity kept idle for a gang
 */
public record RunResult(String policy, List<JobOutcome> jobs, int totalGpus, double endTime, int maxHoldersPerGpu,
    int holds, double heldFreeGpuHours) {
  public RunResult {
    jobs = List.copyOf(jobs);
  }
}
