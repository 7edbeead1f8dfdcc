package io.topogpu.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.ledger.AllocationConflict;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Placer#evaluate} and {@link Placer#check} are memoised per node state and request kind:
 * whatever was asked before, on whichever state, by whichever pod, the answer must equal the
 * unmemoised one ({@link Placer#evaluateNow}, {@link Placer#checkNow}), assignment, chosen set,
 * score breakdown and rejection detail included.
 */
class PlacerMemoTest {

  /**
   * Random pods (every request kind, random names, required and preferred levels) in random order
   * against 120 random nodes, then the same nodes after random binds, each round after the learned
   * workload has changed, under a policy that weights the learned workload and under the default
   * one: memoised equals fresh every time, and the workload changes really did move scores (so a
   * memo keyed without the workload version would have failed).
   */
  @Test
  void memoisedVerdictsEqualFreshOnesThroughBindsAndWorkloadChanges() {
    for (String preset : List.of("workload-fit", Policy.DEFAULT_PRESET)) {
      Random random = new Random(7);
      WorkloadMix mix = new WorkloadMix(1);
      Placer placer = new Placer(Policy.of(preset, Map.of(), 1024), mix);
      List<NodeState> nodes = new ArrayList<>(PlacerCheckTest.randomNodes(random, 120));
      int compared = 0;
      int scoresMovedByWorkload = 0;
      for (int round = 0; round < 5; round++) {
        List<Integer> before = points(placer, nodes, MakePod.named("probe").gpus(2).obj());
        mix.observe(randomPod(random, "observed-" + round).request().orElseThrow());
        List<Integer> after = points(placer, nodes, MakePod.named("probe").gpus(2).obj());
        for (int i = 0; i < nodes.size(); i++) {
          scoresMovedByWorkload += before.get(i).equals(after.get(i)) ? 0 : 1;
        }
        for (int p = 0; p < 30; p++) {
          PodInfo pod = randomPod(random, "pod-" + round + "-" + p);
          GpuRequest request = pod.request().orElseThrow();
          for (NodeState node : nodes) {
            assertThat(placer.evaluate(pod, node)).as("%s on %s", pod, node)
                .isEqualTo(placer.evaluateNow(pod, request, node));
            assertThat(placer.check(pod, node)).as("%s on %s", pod, node)
                .isEqualTo(placer.checkNow(request, pod.placement().linkConstraint(), node));
            compared++;
          }
        }
        bindSome(placer, random, nodes, round);
      }
      assertThat(compared).isEqualTo(5 * 30 * 121);
      if (preset.equals("workload-fit")) {
        assertThat(scoresMovedByWorkload).as("scores changed by workload observations").isPositive();
      } else {
        assertThat(scoresMovedByWorkload).as("the default policy does not weight the workload").isZero();
      }
    }
  }

  @Test
  void podsOfTheSameKindShareOneVerdictWhateverTheirNames() {
    Placer placer = new Placer(Policy.defaults());
    NodeState node = MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").busy(0, 1).state();

    NodeEvaluation first = placer.evaluate(MakePod.named("a").gpus(4).obj(), node);

    assertThat(placer.evaluate(MakePod.named("b").namespace("team").gpus(4).obj(), node)).isSameAs(first);
    assertThat(placer.evaluate(MakePod.named("c").gpus(4).preferred("nvlink").obj(), node))
        .as("another preferred level is another kind").isNotSameAs(first);
    assertThat(placer.evaluate(MakePod.named("a").gpus(4).obj(), node.with("default/x",
        first.assignment().orElseThrow())).rejection().orElseThrow().code())
        .as("a new state is judged afresh").isEqualTo("insufficient-gpus");
  }

  @Test
  void aPodAlreadyHoldingDevicesOnTheNodeStillFailsAfterOthersWereMemoised() {
    Placer placer = new Placer(Policy.defaults());
    NodeState empty = MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").state();
    PodInfo holder = MakePod.named("holder").gpus(2).obj();
    NodeState held = empty.with(holder.key(), placer.evaluate(holder, empty).assignment().orElseThrow());
    placer.evaluate(MakePod.named("other").gpus(2).obj(), held);

    assertThatThrownBy(() -> placer.evaluate(holder, held))
        .isInstanceOf(AllocationConflict.class)
        .hasMessage("default/holder already holds GPUs on node dgx");
  }

  @Test
  void verdictsOfTwoPlacersWithDifferentPoliciesAreKeptApart() {
    Placer topology = new Placer(Policy.defaults());
    Placer spread = new Placer(Policy.of("spread", Map.of(), 1024));
    NodeState node = MakeNode.named("l40s").shape("l40s-8gpu-pcie-node-sys").busy(0, 1, 2, 3, 4).state();
    PodInfo pod = MakePod.named("p").gpus(2).obj();

    int byTopology = topology.evaluate(pod, node).points();
    int bySpread = spread.evaluate(pod, node).points();

    assertThat(byTopology).isEqualTo(topology.evaluateNow(pod, pod.request().get(), node).points());
    assertThat(bySpread).isEqualTo(spread.evaluateNow(pod, pod.request().get(), node).points());
    assertThat(bySpread).isNotEqualTo(byTopology);
  }

  private static List<Integer> points(Placer placer, List<NodeState> nodes, PodInfo pod) {
    List<Integer> out = new ArrayList<>();
    nodes.forEach(n -> out.add(placer.evaluate(pod, n).points()));
    return out;
  }

  /** Every fifth node takes a random pod when it can, as a bind would. */
  private static void bindSome(Placer placer, Random random, List<NodeState> nodes, int round) {
    for (int i = round % 5; i < nodes.size(); i += 5) {
      PodInfo pod = randomPod(random, "bound-" + round + "-" + i);
      NodeEvaluation e = placer.evaluate(pod, nodes.get(i));
      if (e.feasible()) {
        nodes.set(i, nodes.get(i).with(pod.key(), e.assignment().orElseThrow()));
      }
    }
  }

  private static PodInfo randomPod(Random random, String name) {
    MakePod pod = MakePod.named(name);
    int kind = random.nextInt(10);
    if (kind < 6) {
      pod.gpus(List.of(1, 2, 4, 8).get(random.nextInt(4)));
      String[] levels = {null, null, "nvlink", "numa"};
      String required = levels[random.nextInt(levels.length)];
      String preferred = levels[random.nextInt(levels.length)];
      if (required != null) {
        pod.required(required);
      }
      if (preferred != null) {
        pod.preferred(preferred);
      }
    } else if (kind < 9) {
      pod.milli(100 * (1 + random.nextInt(10)));
    } else {
      pod.mig("1g.10gb", 1 + random.nextInt(2));
    }
    return pod.obj();
  }
}
