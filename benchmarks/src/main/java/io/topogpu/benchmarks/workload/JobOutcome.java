package io.topogpu.benchmarks.workload;

/**
 * What happened to one job under one policy. Every job of the trace window gets exactly one outcome.
 *
 * @param start when the last pod started, seconds; -1 when the job never ran
 * @param end when it finished; -1 when it did not
 * @param slowdown placement slowdown of the locality model (1 for 1-GPU jobs); 0 when it never ran
 * @param nodes distinct nodes of its pods (placed pods only)
 * @param leaves distinct leaves of those nodes
 * @param spines distinct spines of those nodes
 * @param multiGpuPods pods of ≥ 2 GPUs that were placed
 * @param podsOnBestSet of those, pods whose GPU set is as good as the best set of that size on the node shape
 * @param idleGpuSeconds GPU-seconds held by started pods while the job waited for its other pods
 * @param reason why the job did not finish; empty when it did
 */
public record JobOutcome(String job, int line, Archetype archetype, int gpus, int pods, double submit,
    double start, double end, double slowdown, int nodes, int leaves, int spines, int multiGpuPods,
    int podsOnBestSet, double idleGpuSeconds, Status status, String reason) {

  /** The fate of a job at the end of the run. */
  public enum Status { FINISHED, PARTLY_STARTED, QUEUED, NEVER_FITS }

  public boolean finished() {
    return status == Status.FINISHED;
  }

  public double queueingDelay() {
    return start - submit;
  }
}
