package io.topogpu.scheduler.demo;

/**
 * The demo's closing numbers.
 *
 * @param placed pods bound; {@code unschedulable} found no node; {@code failed} hit a verb error
 * @param finished pods that ran to completion (and freed their devices) during the stream
 * @param gpusUsed whole GPUs held at the end, of {@code gpusTotal} (MIG-mode GPUs excluded)
 * @param migUsed MIG instances held at the end, of {@code migTotal}
 * @param multiGpuPlaced placed pods of 2 or more whole GPUs; {@code multiGpuOnBestAvailable} of them
 *     got a set whose slowest link is as fast as the best set of that size free anywhere in the
 *     cluster when the pod came ({@link BestAvailable}); {@code multiGpuOnBest} got a set as good as
 *     the best of that size on their own node shape when empty (equal bottleneck and total pair
 *     bandwidth), which says little on a PCIe-only node
 * @param fragmentation free whole GPUs in broken blocks / free whole GPUs, at the end: a block is an
 *     NVLink domain, or the non-NVLink GPUs of one NUMA node; it is broken when any of its GPUs is
 *     held. 0 when every free GPU sits in an untouched block; 0 when nothing is free
 */
public record DemoSummary(
    int jobs,
    int placed,
    int unschedulable,
    int failed,
    int finished,
    long gpusUsed,
    long gpusTotal,
    long migUsed,
    long migTotal,
    int multiGpuPlaced,
    int multiGpuOnBest,
    int multiGpuOnBestAvailable,
    double fragmentation) {

  /** {@code multiGpuOnBestAvailable / multiGpuPlaced}, 1 when no multi-GPU pod was placed. */
  public double bestAvailableShare() {
    return multiGpuPlaced == 0 ? 1 : (double) multiGpuOnBestAvailable / multiGpuPlaced;
  }

  String text() {
    return String.format(
        "%nsummary: %d jobs: %d placed, %d unschedulable, %d failed; %d finished during the run%n"
            + "  whole GPUs in use at the end: %d of %d; MIG instances in use: %d of %d%n"
            + "  multi-GPU pods on the best-linked GPU set free anywhere in the cluster: %d of %d (%.0f%%)%n"
            + "  multi-GPU pods on the best set their own node shape offers: %d of %d%n"
            + "  fragmentation (free GPUs in broken NVLink/NUMA blocks): %.0f%%%n",
        jobs, placed, unschedulable, failed, finished, gpusUsed, gpusTotal, migUsed, migTotal,
        multiGpuOnBestAvailable, multiGpuPlaced, 100 * bestAvailableShare(), multiGpuOnBest, multiGpuPlaced,
        100 * fragmentation);
  }
}
