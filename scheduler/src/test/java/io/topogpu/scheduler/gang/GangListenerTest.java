package io.topogpu.scheduler.gang;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.metrics.GangMetrics;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the coordinator reports (the events' and metrics' source), on two empty DGX nodes with a
 * 10 s bind timeout; time moves only by hand.
 */
class GangListenerTest {
  private static final List<String> NODES = List.of("n1", "n2");
  private final MutableClock clock = new MutableClock();
  private final Ledger ledger = new Ledger();
  private final List<String> heard = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GangMetrics metrics = new GangMetrics(registry);
  private final GangCoordinator coordinator;

  GangListenerTest() {
    ledger.putNode(MakeNode.named("n1").shape("dgx-a100-8gpu-nv12").clusterNode());
    ledger.putNode(MakeNode.named("n2").shape("dgx-a100-8gpu-nv12").clusterNode());
    GangListener recorder = new GangListener() {
      @Override
      public void planned(GangIdentity gang, Map<String, String> nodes, String level, String domain,
          boolean replanned) {
        heard.add((replanned ? "replanned " : "planned ") + nodes.keySet() + " in " + domain);
      }

      @Override
      public void waiting(GangIdentity gang, String member, int ready, int size) {
        heard.add("waiting " + member + " " + ready + "/" + size);
      }

      @Override
      public void started(GangIdentity gang, List<String> members, Duration sinceFirstSeen) {
        heard.add("started " + members + " after " + sinceFirstSeen.toSeconds() + "s");
      }

      @Override
      public void released(GangIdentity gang, List<String> members, String why, boolean timedOut) {
        heard.add((timedOut ? "timed out " : "released ") + members);
      }
    };
    coordinator = new GangCoordinator(ledger, new GangPlanner(new Placer(Policy.defaults()),
        new NetworkTiers(TierConfig.defaults())), GangIdentities.withoutPodGroups(),
        new GangSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5)), clock,
        GangListener.all(List.of(recorder, metrics)));
    metrics.watchWaiting(coordinator::waitingGangs);
  }

  private static PodInfo member(String name) {
    return GangPods.member("g", 2, name).gpus(8).obj();
  }

  private String node(GangFilterResult r) {
    return ((GangFilterResult.Planned) r).node();
  }

  private double waitingGauge() {
    return registry.get(GangMetrics.WAITING).gauge().value();
  }

  @Test
  @DisplayName("planned, one waits, the bind timeout passes: released as timed out, counted once")
  void timeoutIsReportedAndCounted() {
    String n0 = node(coordinator.filter(member("w-0"), NODES));
    coordinator.arriveAtBind("default/w-0", n0);
    assertThat(waitingGauge()).isEqualTo(1.0);

    clock.advance(Duration.ofSeconds(10));
    coordinator.expireOverdue();

    assertThat(heard).containsExactly("planned [default/w-0] in cluster", "waiting default/w-0 1/2",
        "timed out [default/w-0]");
    assertThat(registry.get(GangMetrics.TIMEOUTS).counter().count()).isEqualTo(1.0);
    assertThat(registry.get(GangMetrics.RELEASES).counter().count()).isZero();
    assertThat(waitingGauge()).isZero();
  }

  @Test
  @DisplayName("every member arrives: started, with the time since the first filter recorded")
  void startIsReportedAndTimed() {
    String n0 = node(coordinator.filter(member("w-0"), NODES));
    clock.advance(Duration.ofSeconds(3));
    String n1 = node(coordinator.filter(member("w-1"), NODES));
    coordinator.arriveAtBind("default/w-0", n0);
    clock.advance(Duration.ofSeconds(2));
    coordinator.arriveAtBind("default/w-1", n1);

    assertThat(heard).last().isEqualTo("started [default/w-0, default/w-1] after 5s");
    assertThat(registry.get(GangMetrics.TIME_TO_START).timer().totalTime(TimeUnit.SECONDS)).isEqualTo(5.0);
    assertThat(waitingGauge()).isZero();
  }

  @Test
  @DisplayName("a member deleted while planned: released (not a timeout); planned again afterwards is a re-plan")
  void deletionIsAReleaseAndTheNextPlanAReplan() {
    String n0 = node(coordinator.filter(member("w-0"), NODES));
    coordinator.filter(member("w-1"), NODES);
    coordinator.arriveAtBind("default/w-0", n0);
    coordinator.memberDeleted("default/w-1");
    coordinator.filter(member("w-0"), NODES);

    assertThat(heard).contains("released [default/w-0, default/w-1]");
    assertThat(heard.stream().filter(h -> h.startsWith("replanned"))).hasSize(1);
    assertThat(registry.get(GangMetrics.RELEASES).counter().count()).isEqualTo(1.0);
    assertThat(registry.get(GangMetrics.TIMEOUTS).counter().count()).isZero();
  }
}
