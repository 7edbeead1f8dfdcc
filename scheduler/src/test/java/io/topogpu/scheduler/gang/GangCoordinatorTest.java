package io.topogpu.scheduler.gang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GangPlan;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.placement.Rejection;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import io.topogpu.topology.Keys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Coordination on small clusters of empty 8-GPU DGX A100 nodes; time moves only by hand. */
class GangCoordinatorTest {
  private static final GangSettings SETTINGS =
      new GangSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5));
  private final MutableClock clock = new MutableClock();
  private final Ledger ledger = new Ledger();
  private final GangCoordinator coordinator = new GangCoordinator(ledger,
      new GangPlanner(new Placer(Policy.defaults()), new NetworkTiers(TierConfig.defaults())),
      GangIdentities.withoutPodGroups(), SETTINGS, clock);

  private GangCoordinatorTest nodes(MakeNode... nodes) {
    for (MakeNode n : nodes) {
      ledger.putNode(n.clusterNode());
      for (int i = 0; i < n.holdings().size(); i++) {
        ledger.allocate(n.fillerKey(i), n.holdings().get(i));
      }
    }
    return this;
  }

  private static MakeNode dgx(String name) {
    return MakeNode.named(name).shape("dgx-a100-8gpu-nv12");
  }

  private List<String> all() {
    return ledger.nodes().stream().map(NodeState::name).sorted().toList();
  }

  private static PodInfo pod(String gang, int size, String name, int gpus) {
    return GangPods.member(gang, size, name).gpus(gpus).obj();
  }

  private String plannedNode(GangFilterResult r) {
    assertThat(r).isInstanceOf(GangFilterResult.Planned.class);
    return ((GangFilterResult.Planned) r).node();
  }

  /** Member {@code key}'s devices out of the barrier's shared start. */
  private CompletableFuture<Assignment> arrive(String key, String node) {
    return coordinator.arriveAtBind(key, node).thenApply(start -> start.assignment(key));
  }

  /** The devices a completed bind was granted; fails instead of blocking when it is not complete. */
  private static Assignment granted(CompletableFuture<Assignment> f) {
    assertThat(f).isCompleted();
    return f.join();
  }

  /** Reservation owner → node, over the whole ledger. */
  private Map<String, String> reservations() {
    Map<String, String> out = new TreeMap<>();
    ledger.nodes().forEach(n -> n.reservations().keySet().forEach(o -> out.put(o, n.name())));
    return out;
  }

  @Test
  void theFirstMemberFilteredPlansAndReservesTheWholeGang() {
    nodes(dgx("d1"), dgx("d2"), dgx("d3"));
    assertThat(plannedNode(coordinator.filter(pod("g", 2, "w-0", 8), all()))).isEqualTo("d1");
    assertThat(reservations()).containsExactly(Map.entry("gang:default/g#0", "d2"), Map.entry("gang:default/w-0", "d1"));
    assertThat(plannedNode(coordinator.filter(pod("g", 2, "w-1", 8), all()))).isEqualTo("d2");
    assertThat(reservations()).hasSize(2);
  }

  @Test
  void bindsWaitUntilEveryMemberHasArrivedThenAllBindWithThePlan() {
    nodes(dgx("d1"), dgx("d2"), dgx("d3"));
    coordinator.filter(pod("g", 2, "w-0", 8), all());
    CompletableFuture<Assignment> first = arrive("default/w-0", "d1");
    assertThat(first).isNotDone();
    assertThat(ledger.holding("default/w-0")).isEmpty();
    coordinator.filter(pod("g", 2, "w-1", 8), all());
    CompletableFuture<Assignment> second = arrive("default/w-1", "d2");
    GangPlan plan = new GangPlan("g", 2, Map.of("w-0", "d1", "w-1", "d2"));
    assertThat(granted(first).gang()).contains(plan);
    assertThat(granted(second).node()).isEqualTo("d2");
    assertThat(ledger.holding("default/w-0")).contains(granted(first));
    assertThat(ledger.holding("default/w-1")).contains(granted(second));
    assertThat(reservations()).isEmpty();
  }

  @Test
  @DisplayName("every member waiting when the barrier opens gets the same start: the whole opening, written once")
  void theBarrierOpensWithOneStartForEveryWaitingMember() {
    nodes(dgx("d1"), dgx("d2"), dgx("d3"));
    coordinator.filter(pod("g", 3, "w-0", 8), all());
    coordinator.filter(pod("g", 3, "w-1", 8), all());
    coordinator.filter(pod("g", 3, "w-2", 8), all());
    CompletableFuture<GangStart> a = coordinator.arriveAtBind("default/w-0", "d1");
    CompletableFuture<GangStart> b = coordinator.arriveAtBind("default/w-1", "d2");
    assertThat(a).isNotDone();
    CompletableFuture<GangStart> c = coordinator.arriveAtBind("default/w-2", "d3");

    GangStart start = a.join();
    assertThat(b.join()).isSameAs(start);
    assertThat(c.join()).isSameAs(start);
    assertThat(start.plan()).isEqualTo(new GangPlan("g", 3, Map.of("w-0", "d1", "w-1", "d2", "w-2", "d3")));
    assertThat(start.members()).containsOnlyKeys("default/w-0", "default/w-1", "default/w-2");
    assertThat(start.members().get("default/w-1").pod().name()).isEqualTo("w-1");
    assertThat(ledger.holding("default/w-2")).contains(start.assignment("default/w-2"));
  }

  @Test
  void twoGangsThatFitOnlyOneAtATimeNeverBothPartlyReserve() {
    nodes(dgx("d1"), dgx("d2"), dgx("d3"));
    coordinator.filter(pod("a", 2, "a-0", 8), all());
    GangFilterResult b = coordinator.filter(pod("b", 2, "b-0", 8), all());
    assertThat(b).isEqualTo(new GangFilterResult.Rejected(new GangRejection("default/b",
        "gang default/b needs 2×8 GPUs; the cluster has 1 node with 8 free", true)));
    assertThat(reservations().keySet()).allSatisfy(o -> assertThat(o).startsWith("gang:default/a"));
    coordinator.filter(pod("a", 2, "a-1", 8), all());
    arrive("default/a-0", "d1");
    granted(arrive("default/a-1", "d2"));
    assertThat(coordinator.filter(pod("b", 2, "b-1", 8), all())).isInstanceOf(GangFilterResult.Rejected.class);
    for (String a : List.of("default/a-0", "default/a-1")) {
      ledger.release(a);
      coordinator.memberDeleted(a);
    }
    assertThat(coordinator.filter(pod("b", 2, "b-1", 8), all())).isInstanceOf(GangFilterResult.Planned.class);
  }

  @Test
  void aTimeoutFailsEveryWaitingBindAndReleasesEverything() {
    nodes(dgx("d1"), dgx("d2"), dgx("d3"));
    coordinator.filter(pod("g", 3, "w-0", 8), all());
    CompletableFuture<Assignment> w0 = arrive("default/w-0", "d1");
    coordinator.filter(pod("g", 3, "w-1", 8), all());
    CompletableFuture<Assignment> w1 = arrive("default/w-1", "d2");
    clock.advance(Duration.ofSeconds(9));
    coordinator.expireOverdue();
    assertThat(w0).isNotDone();
    clock.advance(Duration.ofSeconds(1));
    coordinator.expireOverdue();
    for (CompletableFuture<Assignment> f : List.of(w0, w1)) {
      assertThat(f).isCompletedExceptionally();
      assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).cause()
          .isInstanceOf(GangBindException.class)
          .hasMessage("gang default/g: 2 of 3 members reached bind in time; released, the gang will be planned again");
    }
    assertThat(reservations()).isEmpty();
    assertThat(ledger.nodes()).allSatisfy(n -> assertThat(n.pods()).isEmpty());
    assertThat(plannedNode(coordinator.filter(pod("g", 3, "w-2", 8), all()))).isEqualTo("d1");
    assertThat(reservations()).hasSize(3);
  }

  @Test
  void aPlanNobodyBindsIsReleasedAfterThePlanTimeout() {
    nodes(dgx("d1"), dgx("d2"));
    coordinator.filter(pod("g", 2, "w-0", 8), all());
    clock.advance(Duration.ofSeconds(30));
    coordinator.expireOverdue();
    assertThat(reservations()).isEmpty();
  }

  @Test
  void aDeletedMemberFailsTheWaitingBindsReleasesAndTheGangCanBeRetried() {
    nodes(dgx("d1"), dgx("d2"));
    coordinator.filter(pod("g", 2, "w-0", 8), all());
    CompletableFuture<Assignment> w0 = arrive("default/w-0", "d1");
    coordinator.filter(pod("g", 2, "w-1", 8), all());
    coordinator.memberDeleted("default/w-1");
    assertThat(w0).isCompletedExceptionally();
    assertThatThrownBy(w0::join).cause().isInstanceOf(GangBindException.class)
        .hasMessage("gang default/g: member default/w-1 was deleted; the gang will be planned again");
    assertThat(reservations()).isEmpty();
    coordinator.filter(pod("g", 2, "w-1b", 8), all());
    coordinator.filter(pod("g", 2, "w-0", 8), all());
    CompletableFuture<Assignment> a = arrive("default/w-1b", "d1");
    CompletableFuture<Assignment> b = arrive("default/w-0", "d2");
    assertThat(granted(a).gang().orElseThrow().plan()).isEqualTo(Map.of("w-1b", "d1", "w-0", "d2"));
    assertThat(b).isCompleted();
  }

  /**
   * 3×8 on d1..d4: w-0 is planned on d1 and waits at bind; placeholders hold d2 and d3. w-1 claims
   * the d2 slot but kube-scheduler's own filters left d2 out: the members not at bind are re-planned
   * over w-1's candidates, w-0 stays on d1.
   */
  @Test
  void aPlannedNodeMissingFromTheCandidatesReplansTheMembersNotYetAtBind() {
    nodes(dgx("d1"), dgx("d2"), dgx("d3"), dgx("d4"));
    coordinator.filter(pod("g", 3, "w-0", 8), all());
    CompletableFuture<Assignment> w0 = arrive("default/w-0", "d1");
    assertThat(plannedNode(coordinator.filter(pod("g", 3, "w-1", 8), List.of("d1", "d3", "d4")))).isEqualTo("d3");
    assertThat(reservations()).containsExactly(Map.entry("gang:default/g#2", "d4"),
        Map.entry("gang:default/w-0", "d1"), Map.entry("gang:default/w-1", "d3"));
    arrive("default/w-1", "d3");
    coordinator.filter(pod("g", 3, "w-2", 8), all());
    arrive("default/w-2", "d4");
    assertThat(granted(w0).gang().orElseThrow().plan()).isEqualTo(Map.of("w-0", "d1", "w-1", "d3", "w-2", "d4"));
  }

  @Test
  void aBindForANodeThatWasNotPlannedFailsAtOnce() {
    nodes(dgx("d1"), dgx("d2"));
    coordinator.filter(pod("g", 2, "w-0", 8), all());
    CompletableFuture<Assignment> f = arrive("default/w-0", "d2");
    assertThat(f).isCompletedExceptionally();
    assertThatThrownBy(f::join).cause()
        .hasMessage("pod default/w-0 has no gang plan on node d2; it will be filtered again");
  }

  @Test
  void aGangWhoseSizeIsUnknownIsReportedNotPlanned() {
    nodes(dgx("d1"));
    PodInfo p = MakePod.named("w-0").gpus(8).annotation(Keys.GANG, "g").obj();
    assertThat(coordinator.filter(p, all())).isEqualTo(new GangFilterResult.Unresolved("default/g",
        "gang size unknown: topogpu.io/gang names gang default/g but topogpu.io/gang-size is missing"));
    assertThat(coordinator.filter(MakePod.named("solo").gpus(1).obj(), all())).isEqualTo(GangFilterResult.SINGLE);
  }

  @Test
  void membersDisagreeingOnTheSizeAreRejected() {
    nodes(dgx("d1"), dgx("d2"));
    coordinator.filter(pod("g", 2, "w-0", 8), all());
    assertThat(coordinator.filter(pod("g", 3, "w-1", 8), all())).isEqualTo(new GangFilterResult.Rejected(
        new GangRejection("default/g", "gang default/g has size 2 but pod default/w-1 says 3", false)));
  }

  /**
   * Leaf l1 = d1, d2, each with one GPU used by a small pod; leaf l2 = d3. A 2×8 gang that requires
   * one leaf fits nowhere now, but l1 would hold it empty. After 5 minutes l1 is held for it (both
   * its nodes: the gang needs two whole DGX): a small pod is turned away from d1 (not from d3),
   * another gang's member does not take d1 when it frees, and once both small pods are gone the
   * gang is planned there and the hold ends.
   */
  @Test
  void theOldestStarvingGangHasItsTargetDomainHeldUntilItFits() {
    nodes(dgx("d1").label(Keys.LABEL_LEGACY_LEAF, "l1").busy(0), dgx("d2").label(Keys.LABEL_LEGACY_LEAF, "l1").busy(0),
        dgx("d3").label(Keys.LABEL_LEGACY_LEAF, "l2"));
    PodInfo w0 = GangPods.member("g", 2, "w-0").gpus(8).required("leaf").obj();
    assertThat(coordinator.filter(w0, all())).isEqualTo(new GangFilterResult.Rejected(new GangRejection("default/g",
        "gang default/g needs 2×8 GPUs within one leaf; the largest leaf has 1 node with 8 free", true)));
    clock.advance(Duration.ofMinutes(4));
    coordinator.expireOverdue();
    assertThat(coordinator.hold()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    coordinator.expireOverdue();
    assertThat(coordinator.hold().orElseThrow().nodes()).containsExactlyInAnyOrder("d1", "d2");
    PodInfo small = MakePod.named("small").gpus(1).obj();
    assertThat(coordinator.heldAgainst(small, "d1")).hasValueSatisfying(r -> assertThat(r).isEqualTo(new Rejection(
        "held-for-gang", "are held for gang default/g, which has waited longest", true,
        "held since 2026-01-01T00:05:00Z")));
    assertThat(coordinator.heldAgainst(small, "d3")).isEmpty();
    assertThat(coordinator.heldAgainst(w0, "d1")).isEmpty();
    ledger.release("other/d1-0");
    assertThat(plannedNode(coordinator.filter(pod("h", 1, "h-0", 8), all()))).as("d1 is held for g").isEqualTo("d3");
    ledger.release("other/d2-0");
    assertThat(coordinator.filter(w0, all())).isInstanceOf(GangFilterResult.Planned.class);
    assertThat(coordinator.hold()).isEmpty();
  }

  /**
   * Two starving 2×8 gangs on d1, d2 (one GPU used on each): g (priority 0) waited first and holds
   * both nodes; h (priority 100) starts starving later and takes the hold over. A gang of lower
   * priority starving meanwhile does not take it back.
   */
  @Test
  void aHigherPriorityStarvingGangTakesTheHoldFirst() {
    nodes(dgx("d1").busy(0), dgx("d2").busy(0));
    PodInfo g0 = GangPods.member("g", 2, "g-0").gpus(8).obj();
    assertThat(coordinator.filter(g0, all())).isInstanceOf(GangFilterResult.Rejected.class);
    clock.advance(Duration.ofMinutes(1));
    PodInfo h0 = GangPods.member("h", 2, "h-0").gpus(8).priority(100).obj();
    assertThat(coordinator.filter(h0, all())).isInstanceOf(GangFilterResult.Rejected.class);
    clock.advance(Duration.ofMinutes(4));
    coordinator.expireOverdue();
    assertThat(coordinator.hold().orElseThrow().gang()).as("g has starved 5 min, h only 4").isEqualTo("default/g");
    clock.advance(Duration.ofMinutes(1));
    coordinator.expireOverdue();
    assertThat(coordinator.hold().orElseThrow().gang()).isEqualTo("default/h");
    assertThat(coordinator.hold().orElseThrow().nodes()).containsExactlyInAnyOrder("d1", "d2");
    PodInfo k0 = GangPods.member("k", 2, "k-0").gpus(8).priority(50).obj();
    assertThat(coordinator.filter(k0, all())).isInstanceOf(GangFilterResult.Rejected.class);
    clock.advance(Duration.ofMinutes(6));
    coordinator.expireOverdue();
    assertThat(coordinator.hold().orElseThrow().gang()).isEqualTo("default/h");
  }

  /**
   * Leaf l1 = d1..d4 with 1, 2, 4 and 6 GPUs used by small pods. A 2×8 gang needs two whole nodes:
   * the hold takes the two freest, d1 and d2, and leaves d3 and d4 open to other pods meanwhile.
   */
  @Test
  void aHoldClosesOnlyTheNodesTheStarvingGangNeeds() {
    nodes(dgx("d1").label(Keys.LABEL_LEGACY_LEAF, "l1").busy(0), dgx("d2").label(Keys.LABEL_LEGACY_LEAF, "l1").busy(0, 1),
        dgx("d3").label(Keys.LABEL_LEGACY_LEAF, "l1").busy(0, 1, 2, 3),
        dgx("d4").label(Keys.LABEL_LEGACY_LEAF, "l1").busy(0, 1, 2, 3, 4, 5));
    PodInfo w0 = GangPods.member("g", 2, "w-0").gpus(8).obj();
    assertThat(coordinator.filter(w0, all())).isInstanceOf(GangFilterResult.Rejected.class);
    clock.advance(Duration.ofMinutes(5));
    coordinator.expireOverdue();
    assertThat(coordinator.hold().orElseThrow().nodes()).containsExactlyInAnyOrder("d1", "d2");
    PodInfo small = MakePod.named("small").gpus(1).obj();
    assertThat(coordinator.heldAgainst(small, "d2")).isPresent();
    assertThat(coordinator.heldAgainst(small, "d3")).isEmpty();
    assertThat(coordinator.heldAgainst(small, "d4")).isEmpty();
    ledger.release("other/d1-0");
    ledger.release("other/d2-0");
    ledger.release("other/d2-1");
    assertThat(plannedNode(coordinator.filter(w0, all()))).isEqualTo("d1");
    assertThat(reservations().values()).as("w-0 and a placeholder").containsExactlyInAnyOrder("d1", "d2");
    assertThat(coordinator.hold()).isEmpty();
  }

  /**
   * After a restart the ledger is rebuilt from annotations: w-0 holds GPUs 0–3 of d1 with the gang
   * plan. The coordinator learns it from the pods; w-1 is planned next to it on d1's other four
   * GPUs (never double-booked) and its bind alone completes the gang.
   */
  @Test
  void afterARestartBoundMembersAreKnownAndOnlyTheRestArePlanned() {
    MakeNode d1 = dgx("d1");
    Assignment held = Assignment.whole("d1", List.of(0, 1, 2, 3), List.of("", "", "", ""))
        .withGang(new GangPlan("g", 2, Map.of("w-0", "d1", "w-1", "d1")));
    PodInfo w0 = GangPods.member("g", 2, "w-0").gpus(4).holding(held).on("d1").obj();
    ledger.rebuild(List.of(d1.clusterNode(), dgx("d2").clusterNode()), List.of(w0), (p, n) -> Optional.empty());
    coordinator.recover(List.of(w0));
    GangFilterResult r = coordinator.filter(pod("g", 2, "w-1", 4), all());
    assertThat(plannedNode(r)).isEqualTo("d1");
    assertThat(((GangFilterResult.Planned) r).assignment().gpus()).containsExactly(4, 5, 6, 7);
    Assignment w1 = granted(arrive("default/w-1", "d1"));
    assertThat(w1.gang().orElseThrow().plan()).isEqualTo(Map.of("w-0", "d1", "w-1", "d1"));
  }
}
