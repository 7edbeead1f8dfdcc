package io.topogpu.benchmarks.workload;

import java.util.List;

/**
 * A gang trace as read: the GPU jobs in arrival order, and the rows that are not GPU jobs, counted (never
 * silently dropped: the report prints the count).
 *
 * @param name the trace name given on the command line
 * @param cluster the cluster profile the trace runs on ({@link ClusterProfiles})
 * @param jobs GPU jobs in submit order
 * @param cpuOnlyRows rows asking for no GPU; not simulated
 */
public record GangTrace(String name, String cluster, List<GangJob> jobs, int cpuOnlyRows) {
  public GangTrace {
    jobs = List.copyOf(jobs);
  }

  /** The first {@code n} jobs (all when {@code n <= 0} or beyond the end), submit times shifted to start at 0. */
  public GangTrace firstJobs(int n) {
    List<GangJob> window = n <= 0 || n >= jobs.size() ? jobs : jobs.subList(0, n);
    long origin = window.isEmpty() ? 0 : window.get(0).submit();
    List<GangJob> shifted = window.stream()
        .map(j -> new GangJob(j.id(), j.line(), j.submit() - origin, j.duration(), j.podGpus()))
        .toList();
    return new GangTrace(name, cluster, shifted, cpuOnlyRows);
  }
}
