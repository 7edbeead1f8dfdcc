package io.topogpu.scheduler.gang;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import io.topogpu.topology.Keys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked clusters of 8-GPU DGX A100 nodes (one 8-GPU member fills a node; a node with one GPU
 * busy cannot take one) labelled with legacy topograph leaf/spine labels and GPU cliques.
 */
class GangPlannerTest {
  private final GangPlanner planner =
      new GangPlanner(new Placer(Policy.defaults()), new NetworkTiers(TierConfig.defaults()));

  private static MakeNode dgx(String name) {
    return MakeNode.named(name).shape("dgx-a100-8gpu-nv12");
  }

  private static MakeNode dgx(String name, String leaf) {
    return dgx(name).label(Keys.LABEL_LEGACY_LEAF, leaf).label(Keys.LABEL_LEGACY_SPINE, "sp");
  }

  /** {@code n} members {@code w-0..} of gang default/{@code gang}, {@code gpus} each. */
  private static List<PodInfo> gang(String gang, int n, int gpus) {
    return IntStream.range(0, n).mapToObj(i -> GangPods.member(gang, n, "w-" + i).gpus(gpus).obj()).toList();
  }

  private static GangRequest request(String gang, List<PodInfo> members) {
    return GangRequest.of(new GangIdentity("default", gang, members.size(), GangSource.TOPOGPU), members);
  }

  private static List<NodeState> states(MakeNode... nodes) {
    return List.of(nodes).stream().map(MakeNode::state).toList();
  }

  /**
   * Leaf s1 = a1..a4 with one GPU of a4 busy: 3 nodes can take an 8-GPU member. Leaf s2 = b1..b4,
   * all empty. No tighter level (node, clique, tier-0...) holds 4×8, so the gang lands in s2.
   */
  @Test
  void fourByEightOnTwoLeavesLandsWhollyInTheLeafThatFits() {
    GangPlanResult r = planner.plan(request("train-a", gang("train-a", 4, 8)), states(
        dgx("a1", "s1"), dgx("a2", "s1"), dgx("a3", "s1"), dgx("a4", "s1").busy(0),
        dgx("b1", "s2"), dgx("b2", "s2"), dgx("b3", "s2"), dgx("b4", "s2")));
    GangPlacement p = (GangPlacement) r;
    assertThat(p.level()).isEqualTo("leaf");
    assertThat(p.domain()).isEqualTo("leaf=s2");
    assertThat(new HashSet<>(p.nodes().values())).containsExactlyInAnyOrder("b1", "b2", "b3", "b4");
    assertThat(p.assignments().values()).allSatisfy(a -> assertThat(a.gpus()).hasSize(8));
    assertThat(p.preferenceMet()).isTrue();
  }

  @Test
  void aGangThatNoRequiredLeafCanHoldGetsOneReasonNamingTheLargestLeaf() {
    List<PodInfo> members = gang("train-a", 4, 8).stream().map(p -> withRequired(p, "leaf")).toList();
    GangPlanResult r = planner.plan(request("train-a", members), states(
        dgx("a1", "s1"), dgx("a2", "s1"), dgx("a3", "s1"), dgx("a4", "s1").busy(0),
        dgx("b1", "s2"), dgx("b2", "s2").busy(3), dgx("b3", "s2").busy(5, 6)));
    assertThat(r).isEqualTo(new GangRejection("default/train-a",
        "gang default/train-a needs 4×8 GPUs within one leaf; the largest leaf has 3 nodes with 8 free", true));
  }

  @Test
  void aGangLargerThanTheClusterIsRejectedAsUnresolvable() {
    GangPlanResult r = planner.plan(request("big", gang("big", 5, 8)),
        states(dgx("a1"), dgx("a2"), dgx("a3"), dgx("a4").busy(1)));
    assertThat(r).isEqualTo(new GangRejection("default/big",
        "gang default/big needs 5×8 GPUs; the cluster has 3 nodes with 8 free", false));
  }

  /** n1, n2: clique c1 in leaf l1; n3, n4: leaf l1; n5, n6: leaf l2; all in spine sp. */
  private static List<NodeState> cliqueLeafSpine(int... busyNodes) {
    List<MakeNode> nodes = new ArrayList<>(List.of(
        dgx("n1", "l1").label(Keys.LABEL_GPU_CLIQUE, "c1"), dgx("n2", "l1").label(Keys.LABEL_GPU_CLIQUE, "c1"),
        dgx("n3", "l1"), dgx("n4", "l1"), dgx("n5", "l2"), dgx("n6", "l2")));
    for (int b : busyNodes) {
      nodes.get(b - 1).busy(0);
    }
    return nodes.stream().map(MakeNode::state).toList();
  }

  @Test
  void theTightestLevelThatHoldsTheGangWinsCliqueBeforeLeafBeforeSpine() {
    assertThat(planned(gang("g", 2, 8), cliqueLeafSpine()).domain()).isEqualTo("clique=c1");
    assertThat(planned(gang("g", 4, 8), cliqueLeafSpine()).domain()).isEqualTo("leaf=l1");
    assertThat(planned(gang("g", 6, 8), cliqueLeafSpine()).domain()).isEqualTo("spine=sp");
  }

  /**
   * n1 busy breaks clique c1. Both leaves hold 2×8 with equal scores (every member gets a whole
   * empty DGX); l2 has 16 free GPUs, l1 31, so the fuller l2 is taken and l1 stays whole for a
   * bigger gang.
   */
  @Test
  void amongDomainsOfTheSameLevelTheFullerOneWinsAScoreTie() {
    GangPlacement p = planned(gang("g", 2, 8), cliqueLeafSpine(1));
    assertThat(p.domain()).isEqualTo("leaf=l2");
    assertThat(new HashSet<>(p.nodes().values())).containsExactlyInAnyOrder("n5", "n6");
  }

  /** Two 4-GPU members fit one empty DGX: level node, and the second sees the first's GPUs taken. */
  @Test
  void membersThatFitOneNodeShareItWithDisjointGpus() {
    GangPlacement p = planned(gang("g", 2, 4), cliqueLeafSpine());
    assertThat(p.level()).isEqualTo("node");
    assertThat(p.domain()).isEqualTo("node=n1");
    Set<Integer> gpus = new HashSet<>();
    p.assignments().values().forEach(a -> gpus.addAll(a.gpus()));
    assertThat(gpus).hasSize(8);
  }

  /** Preferred leaf: l1 has only n4 free, l2 only n6, so no leaf holds 2×8; it falls back to the spine. */
  @Test
  void aPreferredLevelFallsBackToWiderWhenNoDomainOfItHoldsTheGang() {
    List<PodInfo> members = gang("g", 2, 8).stream().map(p -> withPreferred(p, "leaf")).toList();
    GangPlacement p = planned(members, cliqueLeafSpine(1, 2, 3, 5));
    assertThat(p.domain()).isEqualTo("spine=sp");
    assertThat(new HashSet<>(p.nodes().values())).containsExactlyInAnyOrder("n4", "n6");
    assertThat(p.preferenceMet()).isFalse();
    GangPlacement met = planned(members, cliqueLeafSpine(1, 2, 3));
    assertThat(met.domain()).isEqualTo("leaf=l2");
    assertThat(met.preferenceMet()).isTrue();
  }

  /**
   * Member w-0 is bound on n5 (full now). Re-planning w-1 alone would pick n1 (level node, first
   * by name); kept next to w-0 it must share w-0's tightest domain: leaf l2, so n6.
   */
  @Test
  void replanningKeepsFixedMembersAndStaysInTheirDomain() {
    List<NodeState> nodes = new ArrayList<>(cliqueLeafSpine());
    nodes.set(4, dgx("n5", "l2").busy(0, 1, 2, 3, 4, 5, 6, 7).state());
    PodInfo w1 = GangPods.member("g", 2, "w-1").gpus(8).obj();
    GangRequest r = new GangRequest(new GangIdentity("default", "g", 2, GangSource.TOPOGPU), List.of(w1),
        Map.of("default/w-0", nodes.get(4).node()));
    GangPlacement p = (GangPlacement) planner.plan(r, nodes);
    assertThat(p.domain()).isEqualTo("leaf=l2");
    assertThat(p.nodes()).containsExactly(Map.entry("default/w-1", "n6"));
    assertThat(p.assignments()).containsOnlyKeys("default/w-1");
  }

  /** 8 + 4 + 4 GPUs on two empty nodes: largest first, so the 8 takes m1 and the fours share m2. */
  @Test
  void aMixedGangIsPlacedLargestFirst() {
    List<PodInfo> members = List.of(
        GangPods.member("mix", 3, "small-a").gpus(4).obj(),
        GangPods.member("mix", 3, "big").gpus(8).obj(),
        GangPods.member("mix", 3, "small-b").gpus(4).obj());
    GangPlacement p = planned(members, states(dgx("m1"), dgx("m2")));
    assertThat(p.level()).isEqualTo("cluster");
    assertThat(p.nodes()).containsExactly(
        Map.entry("default/small-a", "m2"), Map.entry("default/big", "m1"), Map.entry("default/small-b", "m2"));
    Assignment a = p.assignments().get("default/small-a");
    Assignment b = p.assignments().get("default/small-b");
    assertThat(a.gpus()).doesNotContainAnyElementsOf(b.gpus());
  }

  @Test
  void anUnknownRequiredLevelIsRejectedListingTheValidLevels() {
    List<PodInfo> members = List.of(withRequired(GangPods.member("g", 1, "w-0").gpus(1).obj(), "rack"));
    assertThat(planner.plan(request("g", members), states(dgx("n1")))).isEqualTo(new GangRejection("default/g",
        "gang default/g: topogpu.io/placement-required: unknown level 'rack'; valid levels: nvlink, numa, node, "
            + "clique, accelerator, tier-0, leaf, block, tier-1, spine, tier-2, core, datacenter, tier-3, zone",
        false));
  }

  @Test
  void aRequiredTierNoNodeIsLabelledWithSaysWhichLabelIsMissing() {
    List<PodInfo> members = gang("g", 2, 8).stream().map(p -> withRequired(p, "zone")).toList();
    assertThat(planner.plan(request("g", members), states(dgx("n1"), dgx("n2")))).isEqualTo(new GangRejection(
        "default/g", "gang default/g needs 2×8 GPUs within one zone; no candidate node has a zone label "
            + "(topology.kubernetes.io/zone)", false));
  }

  @Test
  void aGangRequiredOnOneNodeIsReportedByRoom() {
    List<PodInfo> members = gang("g", 2, 8).stream().map(p -> withRequired(p, "node")).toList();
    assertThat(planner.plan(request("g", members), states(dgx("n1"), dgx("n2")))).isEqualTo(new GangRejection(
        "default/g", "gang default/g needs 2×8 GPUs within one node; the largest node has room for 1 of the 2 members",
        false));
  }

  @Test
  void mixedRequestsAreReportedByRoom() {
    List<PodInfo> members = List.of(
        withRequired(GangPods.member("mix", 2, "a").gpus(8).obj(), "node"),
        withRequired(GangPods.member("mix", 2, "b").milli(500).obj(), "node"));
    assertThat(planner.plan(request("mix", members), states(dgx("n1"), dgx("n2")))).isEqualTo(new GangRejection(
        "default/mix", "gang default/mix needs 1 × 8 GPUs + 1 × 500 milli-GPU within one node; "
            + "the largest node has room for 1 of the 2 members", false));
  }

  private GangPlacement planned(List<PodInfo> members, List<NodeState> nodes) {
    GangPlanResult r = planner.plan(request(members.get(0).annotations().get(Keys.GANG), members), nodes);
    assertThat(r).isInstanceOf(GangPlacement.class);
    return (GangPlacement) r;
  }

  private static PodInfo withRequired(PodInfo p, String level) {
    return new PodInfo(p.namespace(), p.name(), p.uid(), p.labels(), p.annotations(), p.request(),
        Placement.of(level, null), p.assignment(), p.nodeName(), p.phase());
  }

  private static PodInfo withPreferred(PodInfo p, String level) {
    return new PodInfo(p.namespace(), p.name(), p.uid(), p.labels(), p.annotations(), p.request(),
        Placement.of(null, level), p.assignment(), p.nodeName(), p.phase());
  }
}
