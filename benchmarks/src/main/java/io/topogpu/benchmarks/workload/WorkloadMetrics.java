package io.topogpu.benchmarks.workload;

import java.util.Arrays;
import java.util.List;

/**
 * The headline numbers of one run (all over the trace window; "multi-pod job" = a job of ≥ 2 pods):
 *
 * <ul>
 *   <li>{@code bestSetShare}: placed pods of ≥ 2 GPUs whose GPU set is as good as the best set of that
 *       size on the node's shape (locality-model pair classes), over all placed pods of ≥ 2 GPUs.
 *   <li>{@code oneLeafShare} / {@code oneSpineShare}: started multi-pod jobs whose nodes all sit under one
 *       leaf / one spine, over started multi-pod jobs.
 *   <li>{@code idleGpuHours}: GPU-hours held by started pods of jobs whose other pods had not started.
 *   <li>{@code meanWaitHours}, {@code p95WaitHours}: start − submit of finished jobs (nearest-rank p95).
 *   <li>{@code utilisation}: Σ GPUs × run time of finished jobs / (cluster GPUs × end of the run).
 *   <li>{@code meanSlowdown}: mean locality slowdown of started multi-GPU jobs; {@code maxSlowdown} the worst.
 *   <li>{@code largeJobs}, {@code meanWaitLargeHours}: finished jobs of at least {@link #LARGE_GPUS} GPUs
 *       and their mean wait (the jobs greedy backfill starves).
 *   <li>{@code holds}, {@code heldFreeGpuHours}: starvation holds taken and the GPU-hours held nodes had
 *       free while held.
 * </ul>
 */
public record WorkloadMetrics(String policy, int jobs, int finished, int partlyStarted, int queued, int neverFits,
    double bestSetShare, int multiGpuPods, double oneLeafShare, double oneSpineShare, int multiPodJobs,
    double idleGpuHours, double meanWaitHours, double p95WaitHours, double utilisation, double meanSlowdown,
    double maxSlowdown, int largeJobs, double meanWaitLargeHours, int holds, double heldFreeGpuHours) {
  /** Jobs of at least this many GPUs count as large. */
  public static final int LARGE_GPUS = 16;

  public static WorkloadMetrics of(RunResult r) {
    List<JobOutcome> jobs = r.jobs();
    int multiPods = jobs.stream().mapToInt(JobOutcome::multiGpuPods).sum();
    int best = jobs.stream().mapToInt(JobOutcome::podsOnBestSet).sum();
    List<JobOutcome> startedMultiPod = jobs.stream().filter(j -> j.pods() > 1 && j.start() >= 0).toList();
    long oneLeaf = startedMultiPod.stream().filter(j -> j.leaves() == 1).count();
    long oneSpine = startedMultiPod.stream().filter(j -> j.spines() == 1).count();
    double idle = jobs.stream().mapToDouble(JobOutcome::idleGpuSeconds).sum() / 3600;
    double[] waits = jobs.stream().filter(JobOutcome::finished).mapToDouble(j -> j.queueingDelay() / 3600)
        .sorted().toArray();
    double busy = jobs.stream().filter(JobOutcome::finished).mapToDouble(j -> j.gpus() * (j.end() - j.start())).sum();
    double[] slow = jobs.stream().filter(j -> j.start() >= 0 && j.gpus() > 1).mapToDouble(JobOutcome::slowdown).toArray();
    double[] largeWaits = jobs.stream().filter(j -> j.finished() && j.gpus() >= LARGE_GPUS)
        .mapToDouble(j -> j.queueingDelay() / 3600).toArray();
    return new WorkloadMetrics(r.policy(), jobs.size(), count(jobs, JobOutcome.Status.FINISHED),
        count(jobs, JobOutcome.Status.PARTLY_STARTED), count(jobs, JobOutcome.Status.QUEUED),
        count(jobs, JobOutcome.Status.NEVER_FITS), ratio(best, multiPods), multiPods,
        ratio(oneLeaf, startedMultiPod.size()), ratio(oneSpine, startedMultiPod.size()), startedMultiPod.size(),
        idle, Arrays.stream(waits).average().orElse(Double.NaN), percentile(waits, 95),
        r.endTime() > 0 ? busy / (r.totalGpus() * r.endTime()) : Double.NaN,
        Arrays.stream(slow).average().orElse(Double.NaN), Arrays.stream(slow).max().orElse(Double.NaN),
        largeWaits.length, Arrays.stream(largeWaits).average().orElse(Double.NaN), r.holds(), r.heldFreeGpuHours());
  }

  private static int count(List<JobOutcome> jobs, JobOutcome.Status s) {
    return (int) jobs.stream().filter(j -> j.status() == s).count();
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /** Nearest-rank percentile of sorted values: the ⌈p/100 · n⌉-th smallest. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
