package io.topogpu.scheduler.preempt;

import static io.topogpu.scheduler.preempt.PreemptCluster.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.service.Preemptions;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.Keys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A high-priority 2×8 gang on three full DGX A100 nodes in two leaves: l1 = d1, d2; l2 = d3 alone
 * (too small for the gang).
 */
class GangPreemptionPlannerTest {
  private static final String DGX = "dgx-a100-8gpu-nv12";
  private final GangPreemptionPlanner planner = new GangPreemptionPlanner(new Placer(Policy.defaults()),
      Preemptions.gangOf(GangIdentities.withoutPodGroups()));

  private static List<PodInfo> gang(int priority) {
    return List.of(0, 1).stream().map(i -> MakePod.named("hi-" + i).gpus(8).priority(priority)
        .annotation(Keys.GANG, "hi").annotation(Keys.GANG_SIZE, "2").obj()).toList();
  }

  /**
   * d1 runs a low gang (2×4, priority 1) with a single 8-GPU pod of priority 2 on d2; d3 runs
   * one 8-GPU pod of priority 0. Leaf l1 is the only domain that can hold the gang: the low gang
   * goes whole, and so does the single pod; equal-priority pods would stay (see next test).
   */
  @Test
  void evictsWholeLowGangsAndSinglePodsInTheCheapestDomain() {
    PreemptCluster c = new PreemptCluster().node("d1", DGX).node("d2", DGX).node("d3", DGX)
        .member("lo", 2, "lo-0", "d1", 1, 3, 0, 1, 2, 3).member("lo", 2, "lo-1", "d1", 1, 3, 4, 5, 6, 7)
        .run("single", "d2", 2, 1, 0, 1, 2, 3, 4, 5, 6, 7).run("old", "d3", 0, 10, 0, 1, 2, 3, 4, 5, 6, 7);

    GangPreemptionPlanner.Plan plan = planner.plan(gang(10),
        Map.of("l1", List.of("d1", "d2"), "l2", List.of("d3")), c, NOW).orElseThrow();

    assertThat(plan.domain()).isEqualTo("l1");
    assertThat(plan.units()).extracting(EvictionUnit::id).containsExactlyInAnyOrder("gang:default/lo", "default/single");
    assertThat(plan.cost()).isEqualTo(new VictimCost(2, 3, 2 * 4 * 3 + 8 * 1));
    assertThat(plan.placed().values()).extracting(a -> a.node()).containsExactlyInAnyOrder("d1", "d2");
  }

  /** A pod of the gang's own priority on d2 is never evicted: no domain makes room. */
  @Test
  void equalPriorityBlocksTheGang() {
    PreemptCluster c = new PreemptCluster().node("d1", DGX).node("d2", DGX)
        .run("a", "d1", 1, 1, 0, 1, 2, 3, 4, 5, 6, 7).run("b", "d2", 10, 1, 0, 1, 2, 3, 4, 5, 6, 7);

    assertThat(planner.plan(gang(10), Map.of("l1", List.of("d1", "d2")), c, NOW)).isEmpty();
  }

  /** Two domains that both make room: the one losing fewer GPU-hours at the same priority wins. */
  @Test
  void theDomainLosingLessWorkWins() {
    PreemptCluster c = new PreemptCluster().node("d1", DGX).node("d2", DGX).node("d3", DGX).node("d4", DGX)
        .run("a", "d1", 1, 5, 0, 1, 2, 3, 4, 5, 6, 7).run("b", "d2", 1, 5, 0, 1, 2, 3, 4, 5, 6, 7)
        .run("c", "d3", 1, 1, 0, 1, 2, 3, 4, 5, 6, 7).run("d", "d4", 1, 2, 0, 1, 2, 3, 4, 5, 6, 7);

    GangPreemptionPlanner.Plan plan = planner.plan(gang(10),
        Map.of("l1", List.of("d1", "d2"), "l2", List.of("d3", "d4")), c, NOW).orElseThrow();

    assertThat(plan.domain()).isEqualTo("l2");
    assertThat(plan.cost()).isEqualTo(new VictimCost(1, 2, 8 * 1 + 8 * 2));
  }
}
