package io.topogpu.nodeagent.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topogpu.nodeagent.discovery.Probe;
import io.topogpu.nodeagent.nvml.NvmlException;
import io.topogpu.nodeagent.nvml.NvmlReturn;
import io.topogpu.nodeagent.publish.Backoff;
import io.topogpu.nodeagent.publish.InMemoryNodeAnnotations;
import io.topogpu.nodeagent.publish.Publisher;
import io.topogpu.nodeagent.publish.RetryPolicy;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProbeCycleTest {
  private static final NodeTopology DGX = Shapes.load("dgx-a100-8gpu-nv12");

  /** Probes answered in order: a topology, or an NVML failure. */
  private final Deque<Object> answers = new ArrayDeque<>();
  private final Supplier<Probe> prober = () -> {
    Object next = answers.pop();
    if (next instanceof NvmlReturn code) {
      throw new NvmlException("nvmlInit_v2", code);
    }
    return new Probe((NodeTopology) next, "550.54.15", List.of());
  };
  private final InMemoryNodeAnnotations node = new InMemoryNodeAnnotations();
  private final AgentHealth health = new AgentHealth();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ProbeCycle cycle = new ProbeCycle(prober,
      new Publisher(node, new RetryPolicy(1, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)), e -> false,
          d -> {}, () -> 0), Clock.fixed(Instant.parse("2026-11-22T06:00:00Z"), ZoneOffset.UTC)),
      health, new AgentMetrics(registry, health));

  private double counter(String name, String tag, String value) {
    var c = registry.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  @DisplayName("a good probe publishes, sets the gauges and makes the agent healthy")
  void goodProbe() {
    answers.add(DGX);
    cycle.run();

    assertThat(node.annotations()).containsEntry(Keys.TOPOLOGY, TopologyCodec.encode(DGX));
    assertThat(health.healthy()).isTrue();
    assertThat(registry.get("topogpu.agent.gpus").gauge().value()).isEqualTo(8);
    assertThat(registry.get("topogpu.agent.nvlink.domains").gauge().value()).isEqualTo(1);
    assertThat(counter("topogpu.agent.publishes", "outcome", "published")).isEqualTo(1);
  }

  @Test
  @DisplayName("NVML lost after a good probe: value kept, marked stale, unhealthy, error counted by code; the agent keeps cycling")
  void nvmlLost() {
    answers.addAll(List.of(DGX, NvmlReturn.DRIVER_NOT_LOADED, NvmlReturn.DRIVER_NOT_LOADED, DGX));
    cycle.run();
    cycle.run();

    assertThat(node.annotations()).containsEntry(Keys.TOPOLOGY, TopologyCodec.encode(DGX))
        .containsEntry(Keys.TOPOLOGY_STALE, "2026-11-22T06:00:00Z");
    assertThat(health.healthy()).isFalse();
    assertThat(health.report()).containsEntry("nvml", "nvmlInit_v2 failed: NVML_ERROR_DRIVER_NOT_LOADED (9)");
    assertThat(registry.get("topogpu.agent.healthy").gauge().value()).isZero();

    cycle.run();
    assertThat(counter("topogpu.agent.errors", "kind", "nvml_driver_not_loaded")).isEqualTo(2);
    assertThat(counter("topogpu.agent.publishes", "outcome", "still_stale")).isEqualTo(1);

    cycle.run();
    assertThat(node.annotations()).doesNotContainKey(Keys.TOPOLOGY_STALE);
    assertThat(health.healthy()).isTrue();
    assertThat(node.merges).hasSize(3);
  }

  @Test
  @DisplayName("no driver from the start: nothing published, unhealthy, no write")
  void noDriverFromStart() {
    answers.add(NvmlReturn.DRIVER_NOT_LOADED);
    cycle.run();

    assertThat(node.annotations()).isEmpty();
    assertThat(health.healthy()).isFalse();
    assertThat(counter("topogpu.agent.publishes", "outcome", "nothing_published")).isEqualTo(1);
  }
}
