package io.topogpu.scheduler.gang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.Tier;
import io.topogpu.scheduler.tiers.TierConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Levels and scopes of a two-tier configuration: {@code rack} (label {@code ex/rack}) inside {@code
 * row} (label {@code ex/row}). Nodes: a1, a2 in rack r1; b1 in rack r2; all three in row w1; c1 has
 * no labels at all.
 */
class GangLevelsTest {
  private final GangLevels levels = new GangLevels(new NetworkTiers(
      TierConfig.of(List.of(Tier.of("rack", "ex/rack"), Tier.of("row", "ex/row")))));

  private static MakeNode node(String name, String rack) {
    return MakeNode.named(name).shape("dgx-a100-8gpu-nv12").label("ex/rack", rack).label("ex/row", "w1");
  }

  private final List<NodeState> nodes = List.of(node("a1", "r1").state(), node("a2", "r1").state(),
      node("b1", "r2").state(), MakeNode.named("c1").shape("dgx-a100-8gpu-nv12").state());

  private static Map<List<String>, List<String>> names(Map<List<String>, List<NodeState>> scopes) {
    return scopes.entrySet().stream().collect(Collectors.toMap(
        Map.Entry::getKey, e -> e.getValue().stream().map(NodeState::name).toList(),
        (x, y) -> x, LinkedHashMap::new));
  }

  @Test
  void levelsRunFromNodeThroughTheTiersToTheCluster() {
    assertThat(levels.upTo("cluster")).containsExactly("node", "rack", "row", "cluster");
    assertThat(levels.upTo("rack")).containsExactly("node", "rack");
    assertThat(levels.widest(List.of())).isEqualTo("cluster");
    assertThat(levels.widest(List.of("row", "node"))).isEqualTo("row");
    assertThatThrownBy(() -> levels.rank("zone")).hasMessage("unknown level zone");
  }

  @Test
  void scopesGroupNodesByDomainInKeyOrderAndLeaveOutUnlabelledNodes() {
    assertThat(names(levels.scopes(nodes, "rack", List.of()))).containsExactly(
        Map.entry(List.of("r1"), List.of("a1", "a2")), Map.entry(List.of("r2"), List.of("b1")));
    assertThat(names(levels.scopes(nodes, "cluster", List.of()))).containsExactly(
        Map.entry(List.of(), List.of("a1", "a2", "b1", "c1")));
  }

  /** Anchored on row, the cluster level is row w1 (c1 has no row); the node level keeps each node's row. */
  @Test
  void anchorsNarrowEveryScopeToOneDomainOfTheAnchorLevel() {
    assertThat(names(levels.scopes(nodes, "cluster", List.of("row")))).containsExactly(
        Map.entry(List.of("w1"), List.of("a1", "a2", "b1")));
    assertThat(levels.scopes(nodes, "node", List.of("row")).keySet()).containsExactly(
        List.of("a1", "w1"), List.of("a2", "w1"), List.of("b1", "w1"));
  }

  @Test
  void aScopeIsNamedByEachLevelAndDomainOrByTheCluster() {
    assertThat(GangLevels.name("rack", List.of(), List.of("r1"))).isEqualTo("rack=r1");
    assertThat(GangLevels.name("node", List.of("row"), List.of("a1", "w1"))).isEqualTo("node=a1,row=w1");
    assertThat(GangLevels.name("row", List.of("row"), List.of("w1"))).isEqualTo("row=w1");
    assertThat(GangLevels.name("cluster", List.of(), List.of())).isEqualTo("cluster");
  }

  @Test
  void fixedMembersMustAllLieInTheScope() {
    ClusterNode a1 = nodes.get(0).node();
    ClusterNode b1 = nodes.get(2).node();
    assertThat(levels.fixedInside(List.of(a1), "rack", List.of(), List.of("r1"))).isTrue();
    assertThat(levels.fixedInside(List.of(a1, b1), "rack", List.of(), List.of("r1"))).isFalse();
    assertThat(levels.fixedInside(List.of(a1, b1), "row", List.of(), List.of("w1"))).isTrue();
    assertThat(levels.fixedInside(List.of(), "rack", List.of(), List.of("r2"))).isTrue();
  }

  @Test
  void theTightestRequiredLevelWinsAndPerMemberLevelsAreSkipped() {
    List<PodInfo> members = List.of(required("w-0", "row"), required("w-1", "rack"), required("w-2", "nvlink"),
        GangPods.member("g", 4, "w-3").gpus(1).obj());
    assertThat(levels.tightest(members, Placement::required, "k")).contains("rack");
    assertThat(levels.tightest(List.of(required("w-0", "numa")), Placement::required, "k")).isEmpty();
  }

  @Test
  void theClusterOrAnUnconfiguredLevelCannotBeRequired() {
    for (String level : List.of("cluster", "spine")) {
      assertThatThrownBy(() -> levels.tightest(List.of(required("w-0", level)), Placement::required, "the-key"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("the-key").hasMessageContaining("'" + level + "'");
    }
  }

  private static PodInfo required(String name, String level) {
    PodInfo p = GangPods.member("g", 4, name).gpus(1).obj();
    return new PodInfo(p.namespace(), p.name(), p.uid(), p.labels(), p.annotations(), p.request(),
        Placement.of(level, null), p.assignment(), p.nodeName(), p.phase());
  }
}
