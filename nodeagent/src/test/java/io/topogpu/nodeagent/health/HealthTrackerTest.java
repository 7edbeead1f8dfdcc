package io.topogpu.nodeagent.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.nodeagent.discovery.NvmlDiscovery;
import io.topogpu.nodeagent.discovery.Probe;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Health;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.testing.MakeTopology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {
  private Instant now = Instant.parse("2026-11-22T06:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private final HealthTracker tracker = new HealthTracker(CriticalXids.DEFAULT, Duration.ofSeconds(60), clock);

  /** Four GPUs GPU-0..GPU-3 on NVSwitch, each with 12 active links unless {@code links} says otherwise. */
  private static Probe probe(List<Integer> links, int... lost) {
    NodeTopology t = MakeTopology.gpus(4).nvswitch(12).build();
    List<Gpu> gpus = new ArrayList<>();
    for (Gpu g : t.gpus()) {
      Gpu named = new Gpu(g.index(), "GPU-" + g.index(), "A100", 40960, "0000000" + g.index() + ":00.0", 0, "", Health.HEALTHY,
          MigState.DISABLED);
      for (int l : lost) {
        if (l == g.index()) {
          named = new Gpu(g.index(), "", "", 0, "", -1, "", Health.UNHEALTHY, MigState.DISABLED, NvmlDiscovery.LOST);
        }
      }
      gpus.add(named);
    }
    return new Probe(new NodeTopology(gpus, t.links(), List.of(), null), "550", List.of(), links);
  }

  private static final List<Integer> ALL_UP = List.of(12, 12, 12, 12);

  private List<String> reasons(HealthTracker.Applied a) {
    return a.probe().topology().gpus().stream().map(g -> g.uuid() + "=" + (g.healthy() ? "ok" : g.healthReason())).toList();
  }

  @Test
  void aCriticalXidMarksTheGpuUntilAProbeReadsItAfterTheRecoveryTime() {
    tracker.apply(probe(ALL_UP));
    assertThat(tracker.xid("GPU-2", 79)).isTrue();
    HealthTracker.Applied a = tracker.apply(probe(ALL_UP));
    assertThat(reasons(a)).containsExactly("GPU-0=ok", "GPU-1=ok", "GPU-2=xid-79", "GPU-3=ok");
    assertThat(a.changes()).containsExactly("GPU-2 unhealthy: xid-79");
    now = now.plusSeconds(59);
    assertThat(reasons(tracker.apply(probe(ALL_UP)))).contains("GPU-2=xid-79");
    now = now.plusSeconds(1);
    a = tracker.apply(probe(ALL_UP));
    assertThat(reasons(a)).contains("GPU-2=ok");
    assertThat(a.changes()).containsExactly("GPU-2 healthy again");
  }

  @Test
  void aNewXidRestartsTheRecoveryTimeAndTheLatestOneIsNamed() {
    tracker.xid("GPU-1", 48);
    now = now.plusSeconds(50);
    tracker.xid("GPU-1", 94);
    now = now.plusSeconds(50);
    assertThat(reasons(tracker.apply(probe(ALL_UP)))).contains("GPU-1=xid-94");
  }

  @Test
  void applicationXidsLeaveTheGpuHealthy() {
    assertThat(tracker.xid("GPU-0", 13)).isFalse();
    assertThat(tracker.xid("GPU-0", 31)).isFalse();
    assertThat(tracker.xid("GPU-0", 43)).isFalse();
    assertThat(reasons(tracker.apply(probe(ALL_UP)))).contains("GPU-0=ok");
  }

  @Test
  void fewerLinksThanEverSeenIsNvlinkDownUntilTheyAreBack() {
    tracker.apply(probe(ALL_UP));
    HealthTracker.Applied a = tracker.apply(probe(List.of(12, 12, 12, 0)));
    assertThat(reasons(a)).containsExactly("GPU-0=ok", "GPU-1=ok", "GPU-2=ok", "GPU-3=nvlink-down");
    // Still down at the next probe: compared with the most seen, not with the probe before.
    assertThat(reasons(tracker.apply(probe(List.of(12, 12, 12, 6))))).contains("GPU-3=nvlink-down");
    assertThat(reasons(tracker.apply(probe(ALL_UP)))).contains("GPU-3=ok");
  }

  @Test
  void linksAlreadyDownAtTheFirstProbeAreNotCaught() {
    assertThat(reasons(tracker.apply(probe(List.of(12, 12, 12, 0))))).contains("GPU-3=ok");
  }

  @Test
  void aLostGpuKeepsWhatThePreviousProbeKnewAndItsXidOutlivesTheRecoveryTime() {
    tracker.apply(probe(ALL_UP));
    tracker.xid("GPU-1", 79);
    HealthTracker.Applied a = tracker.apply(probe(ALL_UP, 1));
    Gpu lost = a.probe().topology().gpu(1);
    assertThat(lost.uuid()).isEqualTo("GPU-1");
    assertThat(lost.pciBusId()).isEqualTo("00000001:00.0");
    assertThat(lost.healthReason()).isEqualTo("gpu-lost,xid-79");
    now = now.plusSeconds(600);
    assertThat(reasons(tracker.apply(probe(ALL_UP, 1)))).contains("GPU-1=gpu-lost,xid-79");
    // Read again after the recovery time: healthy.
    assertThat(reasons(tracker.apply(probe(ALL_UP)))).contains("GPU-1=ok");
  }

  @Test
  void severalReasonsAreJoined() {
    tracker.apply(probe(ALL_UP));
    tracker.xid("GPU-0", 74);
    assertThat(reasons(tracker.apply(probe(List.of(4, 12, 12, 12))))).contains("GPU-0=nvlink-down,xid-74");
  }
}
