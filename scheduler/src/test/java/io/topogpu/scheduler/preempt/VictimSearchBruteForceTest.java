package io.topogpu.scheduler.preempt;

import static io.topogpu.scheduler.preempt.PreemptCluster.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.preempt.PreemptionPlan.NodeChoice;
import io.topogpu.scheduler.service.Preemptions;
import io.topogpu.scheduler.testing.MakePod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The victim set the planner keeps is the cheapest one, proven against an exhaustive search over
 * every subset of lower-priority pods on random small nodes (real shapes: NVLink pairs, NVSwitch,
 * PCIe across NUMA), for whole-GPU preemptors with and without link requirements.
 */
class VictimSearchBruteForceTest {
  private static final List<String> SHAPES = List.of("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs",
      "dgx-a100-8gpu-nv12", "l40s-8gpu-pcie-node-sys", "hgx-h100-8gpu-nv18-pix-nics");
  private final Placer placer = new Placer(Policy.defaults());
  private final PreemptionPlanner planner =
      new PreemptionPlanner(placer, Preemptions.gangOf(GangIdentities.withoutPodGroups()));

  @Test
  void theKeptVictimsCostNoMoreThanTheCheapestSubsetOnEveryRandomNode() {
    Random random = new Random(18);
    int kept = 0;
    int refused = 0;
    for (int round = 0; round < 300; round++) {
      String shape = SHAPES.get(round % SHAPES.size());
      int gpus = shape.startsWith("azure") ? 4 : 8;
      PreemptCluster c = new PreemptCluster().node("n", shape);
      int g = 0;
      int i = 0;
      while (g < gpus) {
        int size = g + 1 < gpus && random.nextInt(3) == 0 ? 2 : 1;
        int[] held = size == 2 ? new int[] {g, g + 1} : new int[] {g};
        if (random.nextInt(6) > 0) { // a few GPUs stay free
          c.run("p" + i++, "n", random.nextInt(4), random.nextInt(40) / 4.0, held);
        }
        g += size;
      }
      int k = List.of(1, 2, 4).get(random.nextInt(3));
      String required = List.of("", "nvlink", "numa").get(random.nextInt(3));
      MakePod make = MakePod.named("hi").gpus(k).priority(3);
      PodInfo pod = (required.isEmpty() ? make : make.required(required)).obj();

      Optional<VictimCost> best = bruteForce(c, pod);
      PreemptionPlan plan = planner.plan(pod, c.proposeAll(pod), c, NOW);
      String what = "round " + round + " on " + shape + ": " + k + " GPUs " + required;
      if (best.isEmpty()) {
        assertThat(plan.kept()).as(what).isEmpty();
        refused++;
      } else if (best.get().equals(VictimCost.NONE)) {
        assertThat(plan.refused().get("n")).as(what).contains("without evicting anything");
      } else {
        NodeChoice choice = plan.kept().get("n");
        assertThat(choice).as(what).isNotNull();
        assertThat(choice.cost()).as(what).isEqualTo(best.get());
        assertThat(feasible(c, pod, choice.victimUids())).as(what).isTrue();
        assertThat(choice.proven()).isTrue();
        kept++;
      }
    }
    assertThat(kept).as("nodes where preemption made room").isGreaterThan(100);
    assertThat(refused).as("nodes where it could not").isGreaterThan(10);
  }

  /** Beyond {@value VictimSearch#MAX_EXHAUSTIVE} candidates the greedy trim stays feasible. */
  @Test
  void theGreedyTrimForManyCandidatesIsFeasibleAtTheCheapestPriorityLevel() {
    List<EvictionUnit> units = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      units.add(EvictionUnit.single(new Victim("ns/p" + i, "u" + i, "n", i % 3, Optional.of(NOW), 1)));
    }
    // feasible when at least 9 units of priority <= 1 are evicted: the 7 of priority 0 are not
    // enough, so the 14 of priority <= 1 are candidates, too many to search exhaustively
    VictimSearch.Choice c = VictimSearch.cheapest(units,
        u -> u.stream().filter(x -> x.priority() <= 1).count() >= 9, Instant.EPOCH).orElseThrow();
    assertThat(c.proven()).isFalse();
    assertThat(c.cost().maxPriority()).isEqualTo(1);
    assertThat(c.units()).hasSize(9);
    assertThat(c.units().stream().filter(u -> u.priority() == 0)).as("every priority-0 unit kept").hasSize(7);
  }

  private Optional<VictimCost> bruteForce(PreemptCluster c, PodInfo pod) {
    NodeState node = c.node("n").orElseThrow();
    List<PodInfo> lower = c.pods().stream().filter(p -> p.priority() < pod.priority()).toList();
    Optional<VictimCost> best = Optional.empty();
    for (int mask = 0; mask < 1 << lower.size(); mask++) {
      NodeState s = node;
      List<EvictionUnit> units = new ArrayList<>();
      for (int j = 0; j < lower.size(); j++) {
        if ((mask & 1 << j) != 0) {
          s = s.without(lower.get(j).key());
          units.add(EvictionUnit.single(PreemptionPlanner.victim(lower.get(j), node)));
        }
      }
      if (placer.check(pod, s).isEmpty()) {
        VictimCost cost = VictimCost.of(units, NOW);
        if (best.isEmpty() || cost.compareTo(best.get()) < 0) {
          best = Optional.of(cost);
        }
      }
    }
    return best;
  }

  private boolean feasible(PreemptCluster c, PodInfo pod, List<String> uids) {
    NodeState s = c.node("n").orElseThrow();
    for (PodInfo p : c.pods()) {
      if (uids.contains(p.uid())) {
        s = s.without(p.key());
      }
    }
    return placer.check(pod, s).isEmpty();
  }
}
