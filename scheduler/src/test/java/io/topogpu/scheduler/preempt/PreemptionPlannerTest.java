package io.topogpu.scheduler.preempt;

import static io.topogpu.scheduler.preempt.PreemptCluster.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.preempt.PreemptionPlan.NodeChoice;
import io.topogpu.scheduler.service.Preemptions;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.testing.MakePod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Preemption decisions on hand-worked clusters. The 4-GPU shape is Azure NC96ads A100 v4: NVLink
 * pairs {0,1} and {2,3}, every other pair over SYS.
 */
class PreemptionPlannerTest {
  private static final String PAIRS = "azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs";
  private final PreemptionPlanner planner = new PreemptionPlanner(new Placer(Policy.defaults()),
      Preemptions.gangOf(GangIdentities.withoutPodGroups()));

  /**
   * Four 1-GPU pods of priorities 1, 5, 2, 2 on GPUs 0..3. A 2-GPU NVLink pod of priority 10: the
   * two lowest (GPUs 0 and 2, what per-pod preemption evicts) are not an NVLink pair; the pair
   * {2,3} costs highest priority 2, the pair {0,1} 5, so GPUs 2 and 3 go.
   */
  @Test
  void evictsOnlyWhatFreesAnNvlinkPair() {
    PreemptCluster c = new PreemptCluster().node("a", PAIRS)
        .run("p0", "a", 1, 1, 0).run("p1", "a", 5, 1, 1).run("p2", "a", 2, 3, 2).run("p3", "a", 2, 2, 3);
    PodInfo pod = MakePod.named("hi").gpus(2).required("nvlink").priority(10).obj();

    PreemptionPlan plan = planner.plan(pod, c.proposeAll(pod), c, NOW);

    NodeChoice a = plan.kept().get("a");
    assertThat(a.victimUids()).containsExactly("uid-p2", "uid-p3");
    assertThat(a.cost().maxPriority()).isEqualTo(2);
    assertThat(a.cost().pods()).isEqualTo(2);
    assertThat(a.cost().gpuHoursLost()).isCloseTo(5.0, within(1e-9)); // 1 GPU × 3 h + 1 GPU × 2 h
    assertThat(a.offNode()).isEmpty();
  }

  /** Without the NVLink requirement the same pod takes the two lowest-priority GPUs, 0 and 2. */
  @Test
  void withoutATopologyRequirementTheLowestPrioritiesGo() {
    PreemptCluster c = new PreemptCluster().node("a", PAIRS)
        .run("p0", "a", 1, 1, 0).run("p1", "a", 5, 1, 1).run("p2", "a", 2, 3, 2).run("p3", "a", 2, 2, 3);
    PodInfo pod = MakePod.named("hi").gpus(2).priority(10).obj();

    NodeChoice a = planner.plan(pod, c.proposeAll(pod), c, NOW).kept().get("a");

    // p0 (priority 1) and one of the priority-2 pods: the one that ran 2 h loses less than 3 h
    assertThat(a.victimUids()).containsExactlyInAnyOrder("uid-p0", "uid-p3");
    assertThat(a.cost()).isEqualTo(new VictimCost(2, 2, 3.0));
  }

  /** Pods of equal or higher priority are never victims: with only one lower pod, no room. */
  @Test
  void equalPriorityIsNeverEvicted() {
    PreemptCluster c = new PreemptCluster().node("a", PAIRS)
        .run("p0", "a", 1, 1, 0).run("p1", "a", 4, 1, 1).run("p2", "a", 4, 1, 2).run("p3", "a", 9, 1, 3);
    PodInfo pod = MakePod.named("hi").gpus(2).priority(4).obj();

    PreemptionPlan plan = planner.plan(pod, Map.of("a", List.of("uid-p0", "uid-p1")), c, NOW);

    assertThat(plan.kept()).isEmpty();
    assertThat(plan.refused().get("a")).isEqualTo("evicting all 1 lower-priority GPU pods or gangs is not enough: the node would still"
        + " have fewer than 2 free GPUs (1 free)");
  }

  /**
   * kube-scheduler proposes a CPU-only pod too (it needed its CPU): it stays in the answer, GPU
   * victims are topogpu's choice, and a proposed GPU pod that is not needed is trimmed.
   */
  @Test
  void proposedPodsWithoutGpusPassThroughAndUnneededGpuPodsAreTrimmed() {
    PreemptCluster c = new PreemptCluster().node("a", PAIRS)
        .run("p0", "a", 1, 1, 0).run("p1", "a", 1, 1, 1).run("p2", "a", 1, 1, 2);
    PodInfo pod = MakePod.named("hi").gpus(1).priority(10).obj();

    NodeChoice a = planner.plan(pod, Map.of("a", List.of("uid-p1", "uid-p2", "uid-cpu-only")), c, NOW)
        .kept().get("a");

    assertThat(a.victimUids()).containsExactly("uid-cpu-only"); // GPU 3 is free: no GPU pod must go
  }

  /**
   * Gang g (priority 1) has a member on node a (GPUs 2,3) and one on node b. Node a is kept with
   * both members counted and b's member owed; the other node a single pod would do is preferred,
   * once it exists.
   */
  @Test
  void aGangVictimBringsItsWholeGangAndSelfContainedNodesArePreferred() {
    PreemptCluster c = new PreemptCluster().node("a", PAIRS).node("b", PAIRS)
        .run("p0", "a", 5, 1, 0, 1).member("g", 2, "g-0", "a", 1, 2, 2, 3)
        .member("g", 2, "g-1", "b", 1, 2, 0, 1).run("q", "b", 8, 1, 2, 3);
    PodInfo pod = MakePod.named("hi").gpus(2).required("nvlink").priority(10).obj();

    PreemptionPlan plan = planner.plan(pod, Map.of("a", List.of("uid-g-0")), c, NOW);

    NodeChoice a = plan.kept().get("a");
    assertThat(a.victimUids()).containsExactly("uid-g-0");
    assertThat(a.offNode()).extracting(Victim::key).containsExactly("default/g-1");
    assertThat(a.cost()).isEqualTo(new VictimCost(1, 2, 8.0)); // 2 pods × 2 GPUs × 2 h

    c.node("c", PAIRS).run("r", "c", 3, 1, 0, 1).run("s", "c", 9, 1, 2, 3);
    plan = planner.plan(pod, Map.of("a", List.of("uid-g-0"), "c", List.of("uid-r")), c, NOW);
    assertThat(plan.kept()).containsOnlyKeys("c");
    assertThat(plan.kept().get("c").victimUids()).containsExactly("uid-r");
    assertThat(plan.refused().get("a")).contains("gang members on other nodes");
  }

  /** A gang with one member of priority ≥ the preemptor's is not evictable, on any node. */
  @Test
  void aGangWithAnEqualPriorityMemberIsNotEvictable() {
    PreemptCluster c = new PreemptCluster().node("a", PAIRS).node("b", PAIRS)
        .member("g", 2, "g-0", "a", 1, 2, 0, 1).member("g", 2, "g-1", "b", 10, 2, 0, 1)
        .run("x", "a", 10, 1, 2, 3).run("y", "b", 10, 1, 2, 3);
    PodInfo pod = MakePod.named("hi").gpus(2).priority(10).obj();

    PreemptionPlan plan = planner.plan(pod, Map.of("a", List.of("uid-g-0")), c, NOW);

    assertThat(plan.kept()).isEmpty();
    assertThat(plan.refused()).containsKey("a");
  }

  /**
   * GPU shares: a 600-milli pod on a GPU used 300 + 300 + 400 (priorities 2, 1, 1). Evicting one
   * pod frees at most 400; two pods of priority 1 free 700.
   */
  @Test
  void sharesAreFreedByTheFewestLowestPriorityPods() {
    PreemptCluster c = new PreemptCluster().node("a", PAIRS)
        .share("s0", "a", 2, 1, 0, 300).share("s1", "a", 1, 1, 0, 300).share("s2", "a", 1, 1, 0, 400)
        .run("w1", "a", 9, 1, 1).run("w2", "a", 9, 1, 2).run("w3", "a", 9, 1, 3);
    PodInfo pod = MakePod.named("hi").milli(600).priority(5).obj();

    NodeChoice a = planner.plan(pod, c.proposeAll(pod), c, NOW).kept().get("a");

    assertThat(a.victimUids()).containsExactlyInAnyOrder("uid-s1", "uid-s2");
    assertThat(a.cost().gpuHoursLost()).isCloseTo(0.7, within(1e-9));
  }

  /** A node the cache does not know is refused, saying so. */
  @Test
  void anUnknownNodeIsRefused() {
    PreemptCluster c = new PreemptCluster().node("a", PAIRS);
    PodInfo pod = MakePod.named("hi").gpus(1).priority(5).obj();

    PreemptionPlan plan = planner.plan(pod, Map.of("ghost", List.of("uid-x")), c, NOW);

    assertThat(plan.refused()).containsEntry("ghost", "node not in topogpu's cache");
  }
}
