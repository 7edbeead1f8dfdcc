package io.topogpu.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.testing.MakeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Placer#check} is the filter's question: it must give {@link Placer#evaluate}'s verdict. */
class PlacerCheckTest {
  private final Placer placer = new Placer(Policy.defaults());

  private static final List<String> SHAPES = List.of("dgx-a100-8gpu-nv12", "hgx-h100-8gpu-nv18-pix-nics",
      "l40s-8gpu-pcie-node-sys", "azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs", "gb200-nvl-4gpu-tray");

  /**
   * Every pod kind (1/2/4/8 whole GPUs with no, nvlink and numa constraints, shares, MIG) against
   * 200 nodes with random busy GPUs and shares on five real shapes, MIG nodes and a node without
   * topology: the same rejection, detail included, or none.
   */
  @Test
  void checkGivesTheSameVerdictAsEvaluateOnEveryNode() {
    List<NodeState> nodes = randomNodes(new Random(11), 200);
    int rejected = 0;
    int feasible = 0;
    for (PodInfo pod : pods()) {
      for (NodeState node : nodes) {
        NodeEvaluation full = placer.evaluate(pod, node);
        assertThat(placer.check(pod, node)).as("%s on %s", pod.request(), node).isEqualTo(full.rejection());
        if (full.feasible()) {
          feasible++;
        } else {
          rejected++;
        }
      }
    }
    assertThat(feasible).as("feasible verdicts compared").isGreaterThan(500);
    assertThat(rejected).as("rejections compared").isGreaterThan(500);
  }

  @Test
  void aNodeWithoutTopologyIsRejectedByCheckAsByEvaluate() {
    NodeState node = MakeNode.named("old").noTopology("topogpu.io/topology annotation missing").state();
    PodInfo pod = MakePod.named("p").gpus(1).obj();
    assertThat(placer.check(pod, node)).isEqualTo(placer.evaluate(pod, node).rejection());
    assertThat(placer.check(pod, node).orElseThrow().code()).isEqualTo("topology-unknown");
  }

  private static List<PodInfo> pods() {
    List<PodInfo> pods = new ArrayList<>();
    for (int k : new int[] {1, 2, 4, 8}) {
      pods.add(MakePod.named("p" + k).gpus(k).obj());
      pods.add(MakePod.named("nv" + k).gpus(k).required("nvlink").obj());
      pods.add(MakePod.named("numa" + k).gpus(k).required("numa").obj());
    }
    pods.add(MakePod.named("share").milli(300).obj());
    pods.add(MakePod.named("big-share").milli(900).obj());
    pods.add(MakePod.named("mig1").mig("1g.10gb", 1).obj());
    pods.add(MakePod.named("mig3").mig("1g.10gb", 3).obj());
    return pods;
  }

  static List<NodeState> randomNodes(Random random, int n) {
    NodeTopology mig = MakeTopology.gpus(4).nvswitch(12)
        .mig(0, PlacerTest.balanced("a")).mig(1, PlacerTest.balanced("b")).build();
    List<NodeState> nodes = new ArrayList<>();
    nodes.add(MakeNode.named("old").noTopology("topogpu.io/topology annotation missing").state());
    for (int i = 0; i < n; i++) {
      boolean migNode = i % 10 == 0;
      MakeNode node = migNode
          ? MakeNode.named("mig-" + i).topology(mig)
          : MakeNode.named("n-" + i).shape(SHAPES.get(i % SHAPES.size()));
      int gpus = migNode ? 4 : i % SHAPES.size() >= 3 ? 4 : 8;
      for (int g = migNode ? 2 : 0; g < gpus; g++) {
        int roll = random.nextInt(10);
        if (roll < 4) {
          node.busy(g);
        } else if (roll < 5) {
          node.share(g, 100 * (1 + random.nextInt(9)));
        }
      }
      if (migNode && random.nextBoolean()) {
        node.migHeld(random.nextInt(2), 2);
      }
      nodes.add(node.state());
    }
    return nodes;
  }
}
