package io.topogpu.nodeagent.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.topogpu.nodeagent.publish.Outcome;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent's meters, named once here (Prometheus names in docs/nodeagent.md):
 * {@code topogpu_agent_probe_duration_seconds} (timer, {@code result=ok|error}),
 * {@code topogpu_agent_publishes_total} ({@code outcome} = {@link Outcome#label()}),
 * {@code topogpu_agent_errors_total} ({@code kind} = {@code nvml_<RETURN_CODE>} or {@code api}),
 * {@code topogpu_agent_gpus} and {@code topogpu_agent_nvlink_domains} (gauges from the last good
 * probe), {@code topogpu_agent_healthy} (1 or 0).
 */
public final class AgentMetrics {
  private final MeterRegistry registry;
  private final AtomicInteger gpus = new AtomicInteger();
  private final AtomicInteger domains = new AtomicInteger();

  public AgentMetrics(MeterRegistry registry, AgentHealth health) {
    this.registry = registry;
    registry.gauge("topogpu.agent.gpus", gpus);
    registry.gauge("topogpu.agent.nvlink.domains", domains);
    registry.gauge("topogpu.agent.healthy", health, h -> h.healthy() ? 1 : 0);
  }

  void probed(Duration took, boolean ok) {
    Timer.builder("topogpu.agent.probe.duration").tag("result", ok ? "ok" : "error")
        .description("NVML discovery time").register(registry).record(took);
  }

  void topology(int gpuCount, int nvlinkDomains) {
    gpus.set(gpuCount);
    domains.set(nvlinkDomains);
  }

  void outcome(Outcome o) {
    Counter.builder("topogpu.agent.publishes").tag("outcome", o.label())
        .description("publisher cycles by what they did to the node").register(registry).increment();
  }

  void error(String kind) {
    Counter.builder("topogpu.agent.errors").tag("kind", kind).description("failures by kind")
        .register(registry).increment();
  }
}
