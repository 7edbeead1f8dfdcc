package io.topogpu.scheduler.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Preemption meters. kube-scheduler picks one of the kept nodes and evicts there itself, out of
 * the extender's sight, so what is counted per call is the cheapest kept node's choice (what the
 * preemption costs when kube-scheduler agrees):
 *
 * <ul>
 *   <li>{@value #PREEMPTIONS} (counter, tag {@code result}: {@code kept} when some node was kept,
 *       {@code refused} when none);
 *   <li>{@value #VICTIMS} (counter, tag {@code scope}: {@code planned} pods of the cheapest kept
 *       choice, gang members on other nodes included; {@code gang-rest} members topogpu itself
 *       evicted after kube-scheduler evicted part of their gang);
 *   <li>{@value #GPU_HOURS_LOST} (summary: GPU-hours of work the cheapest kept choice loses).
 * </ul>
 */
public final class PreemptionMetrics {
  public static final String PREEMPTIONS = "topogpu.preemptions";
  public static final String VICTIMS = "topogpu.preemption.victims";
  public static final String GPU_HOURS_LOST = "topogpu.preemption.gpu.hours.lost";

  private final Counter kept;
  private final Counter refused;
  private final Counter planned;
  private final Counter gangRest;
  private final DistributionSummary hours;

  public PreemptionMetrics(MeterRegistry registry) {
    kept = Counter.builder(PREEMPTIONS).tag("result", "kept")
        .description("preempt calls that kept at least one node").register(registry);
    refused = Counter.builder(PREEMPTIONS).tag("result", "refused")
        .description("preempt calls that kept no node").register(registry);
    planned = Counter.builder(VICTIMS).tag("scope", "planned")
        .description("victims of the cheapest kept choice").register(registry);
    gangRest = Counter.builder(VICTIMS).tag("scope", "gang-rest")
        .description("gang members evicted by topogpu after part of their gang was preempted")
        .register(registry);
    hours = DistributionSummary.builder(GPU_HOURS_LOST)
        .description("GPU-hours of work lost by the cheapest kept choice").register(registry);
  }

  public void decided(boolean anyKept, int victims, double gpuHoursLost) {
    if (!anyKept) {
      refused.increment();
      return;
    }
    kept.increment();
    planned.increment(victims);
    hours.record(gpuHoursLost);
  }

  public void gangRestEvicted(int pods) {
    gangRest.increment(pods);
  }
}
