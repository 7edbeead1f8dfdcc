package io.topogpu.scheduler.preempt;

import static io.topogpu.scheduler.preempt.PreemptCluster.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.service.Preemptions;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import io.topogpu.topology.Keys;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Gang preemption inside the gang's required network tier. Four full DGX A100 nodes, every pod of
 * priority 1: leaf l1 = d1 (g-0, a member of the 2×8 low gang g), d2 (single s2, 8 GPUs); leaf
 * l2 = d3 (g-1), d4 (singles s4a and s4b, 4 GPUs each). A 2×8 gang of priority 10 needs two empty
 * nodes. By hand, every victim of priority 1, so the cost is the pods evicted, gangs whole:
 *
 * <ul>
 *   <li>anywhere: {d1, d3} = g (2 pods) is cheapest; {d1, d2} = g + s2 (3), {d2, d4} = s2 + s4a +
 *       s4b (3), {d3, d4} = g + s4a + s4b (4), {d2, d3} = s2 + g (3), {d1, d4} = g + 2 (4);
 *   <li>within one leaf: l1 {d1, d2} = 3 pods, l2 {d3, d4} = 4 pods: l1.
 * </ul>
 */
class GangPreemptionTiersTest {
  private static final String DGX = "dgx-a100-8gpu-nv12";
  private static final NetworkTiers TIERS = new NetworkTiers(TierConfig.defaults());
  private final GangPreemptionPlanner planner = new GangPreemptionPlanner(new Placer(Policy.defaults()),
      Preemptions.gangOf(GangIdentities.withoutPodGroups()));

  private static PreemptCluster cluster() {
    return new PreemptCluster()
        .node("d1", DGX, Map.of(Keys.LABEL_LEGACY_LEAF, "l1")).node("d2", DGX, Map.of(Keys.LABEL_LEGACY_LEAF, "l1"))
        .node("d3", DGX, Map.of(Keys.LABEL_LEGACY_LEAF, "l2")).node("d4", DGX, Map.of(Keys.LABEL_LEGACY_LEAF, "l2"))
        .member("g", 2, "g-0", "d1", 1, 2, 0, 1, 2, 3, 4, 5, 6, 7)
        .member("g", 2, "g-1", "d3", 1, 2, 0, 1, 2, 3, 4, 5, 6, 7)
        .run("s2", "d2", 1, 1, 0, 1, 2, 3, 4, 5, 6, 7)
        .run("s4a", "d4", 1, 1, 0, 1, 2, 3).run("s4b", "d4", 1, 1, 4, 5, 6, 7);
  }

  private static List<PodInfo> gang(Optional<String> required) {
    return List.of(0, 1).stream().map(i -> {
      MakePod p = MakePod.named("hi-" + i).gpus(8).priority(10).annotation(Keys.GANG, "hi")
          .annotation(Keys.GANG_SIZE, "2");
      return required.map(p::required).orElse(p).obj();
    }).toList();
  }

  @Test
  void withinOneLeafTheCheapestLeafWinsAndTheGangStaysInIt() {
    PreemptCluster c = cluster();
    List<PodInfo> members = gang(Optional.of("leaf"));
    Map<String, List<String>> domains = GangDomains.of(members, c.nodes(), TIERS);
    assertThat(domains).containsExactly(Map.entry("leaf=l1", List.of("d1", "d2")),
        Map.entry("leaf=l2", List.of("d3", "d4")));

    GangPreemptionPlanner.Plan plan = planner.plan(members, domains, c, NOW).orElseThrow();

    assertThat(plan.domain()).isEqualTo("leaf=l1");
    assertThat(plan.units()).extracting(EvictionUnit::id).containsExactlyInAnyOrder("gang:default/g", "default/s2");
    assertThat(plan.cost().pods()).isEqualTo(3);
    assertThat(plan.placed().values()).extracting(Assignment::node).containsExactlyInAnyOrder("d1", "d2");
  }

  /**
   * Without a tier the whole-gang search finds g alone (its two members free d1 and d3 at once);
   * member by member the first would take d2 (one pod, s2) and the second then need g: 3 pods.
   */
  @Test
  void withoutATierTheOneGangWhoseEvictionFreesTwoNodesGoes() {
    PreemptCluster c = cluster();
    List<PodInfo> members = gang(Optional.empty());
    Map<String, List<String>> domains = GangDomains.of(members, c.nodes(), TIERS);
    assertThat(domains).containsOnlyKeys("cluster");

    GangPreemptionPlanner.Plan plan = planner.plan(members, domains, c, NOW).orElseThrow();

    assertThat(plan.units()).extracting(EvictionUnit::id).containsExactly("gang:default/g");
    assertThat(plan.cost()).isEqualTo(new VictimCost(1, 2, 2 * 8 * 2));
    assertThat(plan.placed().values()).extracting(Assignment::node).containsExactlyInAnyOrder("d1", "d3");
  }

  /** {@code node}: one node must take both 8-GPU members; none can, so no plan. */
  @Test
  void aGangRequiringOneNodeThatNoNodeCanHoldIsNotPlanned() {
    PreemptCluster c = cluster();
    List<PodInfo> members = gang(Optional.of("node"));
    Map<String, List<String>> domains = GangDomains.of(members, c.nodes(), TIERS);
    assertThat(domains).containsOnlyKeys("node=d1", "node=d2", "node=d3", "node=d4");

    assertThat(planner.plan(members, domains, c, NOW)).isEmpty();
  }

  /** A node without the tier's label is in no domain of it; an unknown level names the valid ones. */
  @Test
  void nodesWithoutTheLabelAreLeftOutAndUnknownLevelsAreRefused() {
    PreemptCluster c = new PreemptCluster().node("x", DGX).node("y", DGX, Map.of(Keys.LABEL_LEGACY_LEAF, "l1"));

    assertThat(GangDomains.of(gang(Optional.of("leaf")), c.nodes(), TIERS))
        .containsExactly(Map.entry("leaf=l1", List.of("y")));
    assertThatThrownBy(() -> GangDomains.of(gang(Optional.of("rack")), c.nodes(), TIERS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Keys.PLACEMENT_REQUIRED + " names 'rack', not a level; valid levels: nvlink, numa, node,");
  }
}
