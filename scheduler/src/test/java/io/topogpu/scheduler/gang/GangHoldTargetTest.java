package io.topogpu.scheduler.gang;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import io.topogpu.topology.Keys;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link GangPlanner#holdTarget}: the nodes a starving gang's hold closes. Hand-worked clusters of
 * 8-GPU DGX A100 nodes (one 8-GPU member needs a whole node) with legacy leaf/spine labels; "free"
 * is free GPUs now, the order a domain's nodes are taken in.
 */
class GangHoldTargetTest {
  private final GangPlanner planner =
      new GangPlanner(new Placer(Policy.defaults()), new NetworkTiers(TierConfig.defaults()));

  /** A DGX in {@code leaf} (spine sp) with its first {@code busy} GPUs held by other pods. */
  private static NodeState dgx(String name, String leaf, int busy) {
    return MakeNode.named(name).shape("dgx-a100-8gpu-nv12")
        .label(Keys.LABEL_LEGACY_LEAF, leaf).label(Keys.LABEL_LEGACY_SPINE, "sp")
        .busy(IntStream.range(0, busy).toArray()).state();
  }

  private static List<PodInfo> gang(int n, int gpus, String required) {
    return IntStream.range(0, n).mapToObj(i -> {
      PodInfo p = GangPods.member("g", n, "w-" + i).gpus(gpus).obj();
      return required == null ? p : new PodInfo(p.namespace(), p.name(), p.uid(), p.labels(), p.annotations(),
          p.request(), Placement.of(required, null), p.assignment(), p.nodeName(), p.phase());
    }).toList();
  }

  private static GangRequest request(List<PodInfo> members, Map<String, NodeState> fixed) {
    Map<String, ClusterNode> on = new TreeMap<>();
    fixed.forEach((k, n) -> on.put(k, n.node()));
    return new GangRequest(new GangIdentity("default", "g", members.size() + fixed.size(), GangSource.TOPOGPU),
        members, on);
  }

  private Optional<List<String>> hold(List<PodInfo> members, List<NodeState> nodes) {
    return planner.holdTarget(request(members, Map.of()), nodes);
  }

  /**
   * One leaf, free d1 2, d2 8, d3 0, d4 6. 2×8 fits no single node even emptied, so the level is
   * the leaf. By free now: d2, d4, d1, d3; d2 alone emptied has 8 GPUs, d2 + d4 have 16: the hold
   * is those two, not the whole leaf. d1 and d3 stay open to other pods.
   */
  @Test
  void aHoldTakesTheFewestFreestNodesOfTheLeafNotTheWholeLeaf() {
    List<NodeState> leaf = List.of(dgx("d1", "l1", 6), dgx("d2", "l1", 0), dgx("d3", "l1", 8), dgx("d4", "l1", 2));
    assertThat(hold(gang(2, 8, null), leaf)).contains(List.of("d2", "d4"));
  }

  /** Equal free GPUs are taken by name: free a2 7, a1 7, a3 7 → a1, a2. */
  @Test
  void nodesWithEqualFreeCapacityAreTakenByName() {
    List<NodeState> leaf = List.of(dgx("a3", "l1", 1), dgx("a2", "l1", 1), dgx("a1", "l1", 1));
    assertThat(hold(gang(2, 8, null), leaf)).contains(List.of("a1", "a2"));
  }

  /**
   * The example of docs/placement.md, required leaf. l1: a1..a4 free 8, 6, 2, 0 (16 in all); l2:
   * b1..b3 free 6 each (18). Each leaf's prefix is two nodes: l1's has 14 free now, l2's 12, so
   * a1, a2 are held (a whole-domain rule by total free would have closed all three nodes of l2).
   */
  @Test
  void amongLeavesTheOneWhoseNeededNodesAreClosestToFittingIsHeld() {
    List<NodeState> nodes = List.of(dgx("a1", "l1", 0), dgx("a2", "l1", 2), dgx("a3", "l1", 6), dgx("a4", "l1", 8),
        dgx("b1", "l2", 2), dgx("b2", "l2", 2), dgx("b3", "l2", 2));
    assertThat(hold(gang(2, 8, "leaf"), nodes)).contains(List.of("a1", "a2"));
  }

  /**
   * Leaves l1 = a1 and l2 = b1, b2 (b2 full). 2×8 required within one leaf: only l2 could hold it
   * emptied, and it needs both its nodes (b1, the freest, takes only one member). Without
   * the requirement the leaf is still the tightest level that fits, so the same nodes are held;
   * with l2 cut to b1 alone no leaf fits and the required gang has no target, while the free gang's
   * hold widens to the spine: a1 and b1, both empty.
   */
  @Test
  void aRequiredLeafBoundsTheHoldAndWithoutOneItWidensToTheSpine() {
    List<NodeState> nodes = List.of(dgx("a1", "l1", 0), dgx("b1", "l2", 0), dgx("b2", "l2", 8));
    assertThat(hold(gang(2, 8, "leaf"), nodes)).contains(List.of("b1", "b2"));
    assertThat(hold(gang(2, 8, null), nodes)).contains(List.of("b1", "b2"));
    List<NodeState> split = List.of(dgx("a1", "l1", 0), dgx("b1", "l2", 0));
    assertThat(hold(gang(2, 8, "leaf"), split)).isEmpty();
    assertThat(hold(gang(2, 8, null), split)).contains(List.of("a1", "b1"));
  }

  /**
   * w-0 is bound on b1 (all 8 GPUs) in leaf l2 = b1, b2 (free 2), b3 (free 0); l1 = a1, a2 is
   * empty. w-1 (8 GPUs) must join w-0's domain, so l1 is out although it is all free; in l2 b2 is
   * the freest and, emptied, takes w-1: the hold is b2 alone. b1 is not held: nothing there is
   * the gang's to wait for.
   */
  @Test
  void aBoundMemberPinsTheDomainButItsNodeIsHeldOnlyIfNeeded() {
    NodeState b1 = dgx("b1", "l2", 0).with("default/w-0", whole("b1", 0, 8));
    List<NodeState> nodes = List.of(dgx("a1", "l1", 0), dgx("a2", "l1", 0), b1, dgx("b2", "l2", 6),
        dgx("b3", "l2", 8));
    List<PodInfo> w1 = List.of(GangPods.member("g", 2, "w-1").gpus(8).obj());
    assertThat(planner.holdTarget(request(w1, Map.of("default/w-0", b1)), nodes)).contains(List.of("b2"));
  }

  /**
   * A fixed member's GPUs stay taken when the prefix is emptied. w-0 holds GPUs 0–3 of b1 (b1 free
   * 4); b2 free 3, b3 free 0, all in leaf l2. b1 emptied of others still has only 4 free, short of
   * w-1's 8, so the prefix grows to b1, b2 (emptying w-0 too would wrongly have held b1 alone).
   */
  @Test
  void aFixedMembersGpusStayTakenWhenTheHoldIsSized() {
    NodeState b1 = dgx("b1", "l2", 0).with("default/w-0", whole("b1", 0, 4));
    List<NodeState> nodes = List.of(b1, dgx("b2", "l2", 5), dgx("b3", "l2", 8));
    List<PodInfo> w1 = List.of(GangPods.member("g", 2, "w-1").gpus(8).obj());
    assertThat(planner.holdTarget(request(w1, Map.of("default/w-0", b1)), nodes)).contains(List.of("b1", "b2"));
  }

  /** 3×8 on two DGX: no domain of the emptied cluster holds it, so there is nothing to hold. */
  @Test
  void aGangNoEmptiedDomainCanHoldHasNoTarget() {
    assertThat(hold(gang(3, 8, null), List.of(dgx("a1", "l1", 0), dgx("a2", "l1", 4)))).isEmpty();
  }

  /** GPUs {@code from} .. {@code from + n - 1} of {@code node}, held whole. */
  private static Assignment whole(String node, int from, int n) {
    List<Integer> gpus = IntStream.range(from, from + n).boxed().toList();
    return Assignment.whole(node, gpus, gpus.stream().map(g -> "").toList());
  }
}
