package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topogpu.scheduler.extender.PreemptRequest;
import io.topogpu.scheduler.extender.PreemptResponse;
import io.topogpu.scheduler.gang.EventRecorder;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.metrics.PreemptionMetrics;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.preempt.GangEvictions;
import io.topogpu.scheduler.preempt.PreemptionPlanner;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.Keys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gang victim spanning two nodes: kube-scheduler can evict only the member on the node it picks;
 * once that member is gone topogpu evicts the other (UID precondition, Warning Event), exactly once.
 */
class PreemptionsTest {
  private static final String PAIRS = "azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs";
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private final Placer placer = new Placer(Policy.defaults());
  private final ClusterState state = new ClusterState(placer::attribute);
  private final List<String> evicted = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Preemptions preemptions = new Preemptions(state, placer,
      Preemptions.gangOf(GangIdentities.withoutPodGroups()), new GangEvictions(Duration.ofMinutes(5)),
      (ns, name, uid, why) -> evicted.add(ns + "/" + name + "@" + uid),
      (pod, type, reason, message) -> events.add(pod + " " + type + " " + reason + ": " + message),
      new PreemptionMetrics(registry), Clock.fixed(NOW, ZoneOffset.UTC), Runnable::run);

  @Test
  void theRestOfAPreemptedGangIsEvictedOnceItsMemberOnTheChosenNodeIsGone() {
    new SnapshotSource(new Snapshot(List.of(
        MakeNode.named("a").shape(PAIRS).clusterNode(), MakeNode.named("b").shape(PAIRS).clusterNode()),
        List.of(member("g-0", "a", 2, 3), member("g-1", "b", 0, 1),
            running("x", "a", 0, 1), running("y", "b", 2, 3))))
        .start(state);
    state.watch(preemptions);
    PodInfo hi = MakePod.named("hi").gpus(2).required("nvlink").priority(10).obj();

    PreemptResponse answer = preemptions.preempt(hi, new PreemptRequest(new PodBuilder().build(),
        Map.of("a", new PreemptRequest.NodeVictims(List.of("uid-g-0"), 0))));

    assertThat(answer.kept()).containsOnlyKeys("a");
    assertThat(answer.kept().get("a").uids()).containsExactly("uid-g-0");
    assertThat(events).singleElement().asString()
        .startsWith("default/hi Normal PreemptionPlanned: kept a: evict default/g-0, default/g-1 "
            + "(highest priority 1, 2 pods, 8.00 GPU-hours lost, 1 gang members on other nodes)");
    assertThat(evicted).isEmpty();

    state.removePod("default/g-0"); // kube-scheduler picked a and evicted its member
    state.removePod("default/g-0");

    assertThat(evicted).containsExactly("default/g-1@uid-g-1");
    assertThat(events).last().asString().startsWith("default/g-1 Warning PreemptedWithGang: gang default/g lost"
        + " member default/g-0 to preemption by default/hi");
    assertThat(registry.get(PreemptionMetrics.VICTIMS).tag("scope", "gang-rest").counter().count()).isEqualTo(1);
    assertThat(registry.get(PreemptionMetrics.VICTIMS).tag("scope", "planned").counter().count()).isEqualTo(2);
    assertThat(registry.get(PreemptionMetrics.GPU_HOURS_LOST).summary().totalAmount()).isEqualTo(8.0);
  }

  @Test
  void aGangMemberThatGoesForAnotherReasonAfterThePromiseExpiredTriggersNothing() {
    GangEvictions owed = new GangEvictions(Duration.ofMinutes(5));
    new SnapshotSource(new Snapshot(List.of(
        MakeNode.named("a").shape(PAIRS).clusterNode(), MakeNode.named("b").shape(PAIRS).clusterNode()),
        List.of(member("g-0", "a", 2, 3), member("g-1", "b", 0, 1), running("x", "a", 0, 1))))
        .start(state);
    PodInfo hi = MakePod.named("hi").gpus(2).required("nvlink").priority(10).obj();
    var plan = new PreemptionPlanner(placer, Preemptions.gangOf(GangIdentities.withoutPodGroups()))
        .plan(hi, Map.of("a", List.of("uid-g-0")), viewOf(state), NOW);
    owed.remember(plan, NOW);

    assertThat(owed.awaited()).isEqualTo(1);
    assertThat(owed.triggered("default/g-0", NOW.plus(Duration.ofMinutes(6)))).isEmpty();
    assertThat(owed.triggered("default/x", NOW)).isEmpty();
  }

  private static PreemptionPlanner.View viewOf(ClusterState s) {
    return new PreemptionPlanner.View() {
      @Override
      public java.util.Optional<io.topogpu.scheduler.ledger.NodeState> node(String name) {
        return s.node(name);
      }

      @Override
      public java.util.Optional<PodInfo> pod(String key) {
        return s.pod(key);
      }

      @Override
      public java.util.Collection<PodInfo> pods() {
        return s.pods();
      }
    };
  }

  private static PodInfo member(String name, String node, int... gpus) {
    return MakePod.named(name).gpus(gpus.length).on(node).priority(1).startedAt(NOW.minus(Duration.ofHours(2)))
        .annotation(Keys.GANG, "g").annotation(Keys.GANG_SIZE, "2").holding(whole(node, gpus)).obj();
  }

  private static PodInfo running(String name, String node, int... gpus) {
    return MakePod.named(name).gpus(gpus.length).on(node).priority(20).holding(whole(node, gpus)).obj();
  }

  private static Assignment whole(String node, int... gpus) {
    List<Integer> list = new ArrayList<>();
    List<String> uuids = new ArrayList<>();
    for (int g : gpus) {
      list.add(g);
      uuids.add("");
    }
    return Assignment.whole(node, list, uuids);
  }
}
