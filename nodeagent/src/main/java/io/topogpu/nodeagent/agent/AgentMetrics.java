package io.topogpu.nodeagent.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.topogpu.nodeagent.publish.Outcome;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's meters, named once here (Prometheus names in docs/nodeagent.md):
 * {@code topogpu_agent_probe_duration_seconds} (timer, {@code result=ok|error}),
 * {@code topogpu_agent_publishes_total} ({@code outcome} = {@link Outcome#label()}),
 * {@code topogpu_agent_errors_total} ({@code kind} = {@code nvml_<RETURN_CODE>} or {@code api}),
 * {@code topogpu_agent_gpus} and {@code topogpu_agent_nvlink_domains} (gauges from the last good
 * probe), {@code topogpu_agent_healthy} (1 or 0), {@code topogpu_agent_mig_unknown_gpus} (GPUs whose
 * MIG state the driver refused to show, last good probe), {@code topogpu_agent_unhealthy_gpus} (GPUs the last good probe
 * published unhealthy: lost, NVLinks down, critical XID), {@code
 * topogpu_agent_last_good_probe_timestamp_seconds} (Unix time of the last probe that was read and
 * published; {@code time() - it} is how stale the node's annotation may be, 0 before the first).
 */
public final class AgentMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger gpus = new AtomicInteger();
  private final AtomicInteger domains = new AtomicInteger();
  private final AtomicInteger migUnknown = new AtomicInteger();
  private final AtomicInteger unhealthy = new AtomicInteger();
  private final AtomicLong lastGoodMillis = new AtomicLong();

  public AgentMetrics(MeterRegistry registry, AgentHealth health) {
    this.registry = registry;
    registry.gauge("topogpu.agent.gpus", gpus);
    registry.gauge("topogpu.agent.nvlink.domains", domains);
    registry.gauge("topogpu.agent.healthy", health, h -> h.healthy() ? 1 : 0);
    registry.gauge("topogpu.agent.mig.unknown.gpus", migUnknown);
    registry.gauge("topogpu.agent.unhealthy.gpus", unhealthy);
    // Exported at 0 from the start, so rate() and alerts see the series before the first failure.
    error("api", 0);
    Gauge.builder("topogpu.agent.last.good.probe.timestamp", lastGoodMillis, t -> t.get() / 1000.0)
        .baseUnit("seconds").description("Unix time of the last probe read from NVML and published")
        .register(registry);
  }

  void probed(Duration took, boolean ok) {
    Timer.builder("topogpu.agent.probe.duration").tag("result", ok ? "ok" : "error")
        .description("NVML discovery time").register(registry).record(took);
  }

  void topology(int gpuCount, int nvlinkDomains, int migUnknownGpus, int unhealthyGpus) {
    gpus.set(gpuCount);
    unhealthy.set(unhealthyGpus);
    domains.set(nvlinkDomains);
    migUnknown.set(migUnknownGpus);
  }

  /** A probe read from NVML reached the node annotation (written or already equal). */
  void goodProbePublished() {
    lastGoodMillis.set(System.currentTimeMillis());
  }

  void outcome(Outcome o) {
    Counter.builder("topogpu.agent.publishes").tag("outcome", o.label())
        .description("publisher cycles by what they did to the node").register(registry).increment();
  }

  void error(String kind) {
    error(kind, 1);
  }

  private void error(String kind, int count) {
    Counter.builder("topogpu.agent.errors").tag("kind", kind).description("failures by kind")
        .register(registry).increment(count);
  }
}
