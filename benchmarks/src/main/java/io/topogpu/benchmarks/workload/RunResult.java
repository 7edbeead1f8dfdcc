package io.topogpu.benchmarks.workload;

import java.util.List;

/**
 * One policy's run over a trace window.
 *
 * @param totalGpus GPUs of the cluster
 * @param endTime time of the last event, seconds
 * @param maxHoldersPerGpu the most holders any GPU had after any event (1 when nothing was over-allocated)
 */
public record RunResult(String policy, List<JobOutcome> jobs, int totalGpus, double endTime, int maxHoldersPerGpu) {
  public RunResult {
    jobs = List.copyOf(jobs);
  }
}
