package io.topogpu.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.testing.MakeTopology;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-worked cases of docs/placement.md. Preset topology-first unless a test says otherwise. */
class PlacerTest {
  private final Placer placer = new Placer(Policy.defaults());

  /**
   * DGX A100, GPUs 0–2 busy, 4 GPUs wanted. Every pair is NV12 through the NVSwitches, so every
   * 4-subset of the free {3,4,5,6,7} ties on bottleneck and total bandwidth. NUMA groups are
   * {0,1} {2,3} {4,5} {6,7}: any set holding GPU 3 spans three groups, {4,5,6,7} spans two. Chosen:
   * {4,5,6,7}.
   */
  @Test
  void dgxA100WithThreeBusyGpusGetsTheTwoWholeNumaPairs() {
    NodeState node = MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").busy(0, 1, 2).state();
    NodeEvaluation e = placer.evaluate(MakePod.named("p").gpus(4).obj(), node);
    assertThat(e.assignment().orElseThrow().gpus()).containsExactly(4, 5, 6, 7);
    assertThat(e.chosen().orElseThrow().value().numaSpan()).isEqualTo(2);
  }

  /**
   * Azure NC A100 v4: NV12 bridges 0–1 and 2–3, SYS otherwise. With GPUs 1 and 3 busy the free GPUs
   * 0 and 2 share no NVLink: a required nvlink pod is rejected (resolvable: the pairs come back
   * when their pods leave).
   */
  @Test
  void azurePairsWithOneGpuOfEachPairBusyRejectRequiredNvlink() {
    NodeState node = MakeNode.named("azure").shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").busy(1, 3).state();
    NodeEvaluation e = placer.evaluate(MakePod.named("p").gpus(2).required("nvlink").obj(), node);
    assertThat(e.rejection()).contains(new Rejection("insufficient-nvlink",
        "have fewer than 2 free GPUs in one NVLink domain", true, "at most 1 free in one domain"));
  }

  /**
   * The same node with nvlink only preferred takes the pod on SYS-linked GPUs 0 and 2, scoring below
   * a node whose pair 0–1 is free.
   *
   * <p>Split node (1, 3 busy; gets {0,2}): ideal pair {0,1} has bottleneck = total = 240 GB/s,
   * numaSpan 2; {0,2} has 10 GB/s and numaSpan 2 → topology = (10/240 + 10/240 + 2/2) / 3 = 0.361;
   * SYS → link 0; both NVLink blocks already broken → fragmentation 1; node full after → binpack 1;
   * preferred 0. Score = round(10 × (6·0.361 + 6·0 + 2·1 + 1·1 + 3·0) / 18) = round(2.87) = 3.
   * (It was 4 before the link term: the decision is the same, the SYS pair now also pays for its
   * absolute bandwidth.)
   *
   * <p>Paired node (2, 3 busy; gets {0,1}): topology 1; NV12 240 GB/s → link 0.7427; block {0,1}
   * intact before, broken after → fragmentation 1 − 2/4 = 0.5; binpack 1; preferred 1.
   * Score = round(10 × (6 + 6·0.7427 + 1 + 1 + 3) / 18) = round(8.59) = 9.
   */
  @Test
  void azurePairsWithPreferredNvlinkScoreTheSplitNodeLower() {
    PodInfo pod = MakePod.named("p").gpus(2).preferred("nvlink").obj();
    NodeEvaluation split = placer.evaluate(pod,
        MakeNode.named("split").shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").busy(1, 3).state());
    NodeEvaluation paired = placer.evaluate(pod,
        MakeNode.named("paired").shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").busy(2, 3).state());
    assertThat(split.assignment().orElseThrow().gpus()).containsExactly(0, 2);
    assertThat(split.points()).isEqualTo(3);
    assertThat(paired.assignment().orElseThrow().gpus()).containsExactly(0, 1);
    assertThat(paired.points()).isEqualTo(9);
  }

  /** 8× L40S: NODE (16 GB/s) inside a socket, SYS (10 GB/s) across; 4 GPUs fit in one NUMA node. */
  @Test
  void l40sFourGpusStayInOneNumaNode() {
    NodeState node = MakeNode.named("l40s").shape("l40s-8gpu-pcie-node-sys").state();
    NodeEvaluation e = placer.evaluate(MakePod.named("p").gpus(4).obj(), node);
    assertThat(e.assignment().orElseThrow().gpus()).containsExactly(0, 1, 2, 3);
    assertThat(e.chosen().orElseThrow().value().numaSpan()).isEqualTo(1);
    assertThat(e.chosen().orElseThrow().value().bottleneck()).isEqualTo(16_000);
  }

  /** L40S with GPU 0 busy: {1,2,3,x} would cross sockets, so the pod takes 4–7. */
  @Test
  void l40sWithOneBusyGpuMovesToTheOtherSocket() {
    NodeState node = MakeNode.named("l40s").shape("l40s-8gpu-pcie-node-sys").busy(0).state();
    NodeEvaluation e = placer.evaluate(MakePod.named("p").gpus(4).obj(), node);
    assertThat(e.assignment().orElseThrow().gpus()).containsExactly(4, 5, 6, 7);
  }

  /** The mig-parted all-balanced layout of an A100-80GB, as in the mixed-placements capture. */
  static MigState balanced(String gpu) {
    return new MigState(true, 8, List.of(
        new MigInstance("2g.20gb", 0, 2, 19968, "MIG-" + gpu + "-0", 3),
        new MigInstance("1g.10gb", 2, 1, 9728, "MIG-" + gpu + "-2", 9),
        new MigInstance("1g.10gb", 3, 1, 9728, "MIG-" + gpu + "-3", 10),
        new MigInstance("3g.40gb", 4, 4, 40192, "MIG-" + gpu + "-4", 2)));
  }

  /**
   * Two A100s in the balanced layout; GPU 1's 3g.40gb is held, GPU 0 is untouched. A 1g.10gb pod
   * goes to the partly used GPU 1 (its first free 1g, slice 2), leaving GPU 0 whole for a pod that
   * needs its 3g.
   */
  @Test
  void migRequestGoesToThePartlyUsedGpu() {
    NodeTopology t = MakeTopology.gpus(2).nvswitch(12).mig(0, balanced("a")).mig(1, balanced("b")).build();
    NodeState node = MakeNode.named("a100").topology(t).migHeld(1, 4).state();
    NodeEvaluation e = placer.evaluate(MakePod.named("p").mig("1g.10gb", 1).obj(), node);
    assertThat(e.assignment().orElseThrow().mig())
        .containsExactly(new MigSlot(1, "1g.10gb", 2, 1, "MIG-b-2"));
  }

  @Test
  void migRequestBeyondTheLayoutIsUnresolvable() {
    NodeTopology t = MakeTopology.gpus(1).mig(0, balanced("a")).build();
    NodeEvaluation e = placer.evaluate(MakePod.named("p").mig("1g.10gb", 3).obj(),
        MakeNode.named("a100").topology(t).state());
    assertThat(e.rejection().orElseThrow().code()).isEqualTo("no-mig-profile");
    assertThat(e.rejection().orElseThrow().resolvable()).isFalse();
  }

  /** Shares pack onto the fullest shared GPU that still fits. */
  @Test
  void shareGoesToTheFullestSharedGpuThatFits() {
    NodeState node = MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys")
        .share(2, 300).share(5, 700).share(6, 900).state();
    NodeEvaluation e = placer.evaluate(MakePod.named("p").milli(250).obj(), node);
    assertThat(e.assignment().orElseThrow().gpus()).containsExactly(5);
    assertThat(e.assignment().orElseThrow().milli()).isEqualTo(250);
  }

  /** With nothing shared, a share opens the free GPU of the smallest free block (Azure: GPU 2 of pair 2–3). */
  @Test
  void shareOpensAGpuOfTheSmallestFreeBlock() {
    NodeState node = MakeNode.named("n").shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").busy(3).state();
    NodeEvaluation e = placer.evaluate(MakePod.named("p").milli(500).obj(), node);
    assertThat(e.assignment().orElseThrow().gpus()).containsExactly(2);
  }

  @Test
  void eightGpuPodNeverFitsAFourGpuNode() {
    NodeEvaluation e = placer.evaluate(MakePod.named("p").gpus(8).obj(),
        MakeNode.named("small").shape("hgx-h100-4gpu-nv6").state());
    assertThat(e.rejection()).contains(new Rejection("too-few-gpus", "have fewer than 8 usable GPUs", false, "4 usable"));
  }

  @Test
  void nodeWithoutTopologySaysSo() {
    NodeEvaluation e = placer.evaluate(MakePod.named("p").gpus(1).obj(),
        MakeNode.named("old").noTopology("topogpu.io/topology annotation missing").state());
    assertThat(e.rejection()).contains(new Rejection("topology-unknown", "lack topology data", false,
        "topology unknown: topogpu.io/topology annotation missing"));
  }

  /** Two NVSwitch islands of four GPUs: the shape that can be short of a free 4-GPU domain. */
  static NodeTopology twoIslands() {
    MakeTopology m = MakeTopology.gpus(8).pcie(LinkKind.SYS);
    for (int i = 0; i < 8; i++) {
      for (int j = i + 1; j < 8; j++) {
        if (i / 4 == j / 4) {
          m.link(i, j, Link.nvswitch(18));
        }
      }
    }
    return m.build();
  }

  @Test
  void rankAggregatesRejectionsTheWayKubectlDescribeShowsThem() {
    List<NodeState> nodes = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      nodes.add(MakeNode.named("island-" + i).topology(twoIslands()).busy(0, 4).state());
    }
    for (int i = 0; i < 3; i++) {
      nodes.add(MakeNode.named("old-" + i).noTopology("topogpu.io/topology annotation missing").state());
    }
    Decision d = placer.rank(MakePod.named("p").gpus(4).required("nvlink").obj(), nodes);
    assertThat(d.best()).isEmpty();
    assertThat(d.summary()).isEqualTo(
        "0/12 nodes are available: 9 have fewer than 4 free GPUs in one NVLink domain, 3 lack topology data.");
  }

  /**
   * A half-used and an empty DGX A100, 2 GPUs wanted; both offer NV12 pairs (topology 1, link 0.7427).
   * Half-used: binpack 6/8 = 0.75, fragmentation 1 (its NVLink block is already broken).
   * Empty: binpack 2/8 = 0.25, fragmentation 0 (it breaks its intact 8-GPU block).
   * Weights (topology, link, fragmentation, binpack, spread, preferred n/a):
   *
   * <pre>
   *   binpack (1,1,1,6,0):        half (1 + 0.74 + 1 + 6·0.75) / 9 = 0.80 → 8; empty (1 + 0.74 + 0 + 6·0.25) / 9 = 0.36 → 4
   *   spread (1,1,0,0,6):         half (1 + 0.74 + 6·0.25) / 8 = 0.41 → 4;     empty (1 + 0.74 + 6·0.75) / 8 = 0.78 → 8
   *   topology-first (6,6,2,1,0): half (6 + 4.46 + 2 + 0.75) / 15 = 0.88 → 9;  empty (6 + 4.46 + 0 + 0.25) / 15 = 0.71 → 7
   * </pre>
   *
   * The link term is equal on both nodes, so it only pulls the scores towards 0.74: binpack's empty
   * node went from 3 to 4 and topology-first's half-used one from 10 to 9; every order is unchanged.
   */
  @Test
  void presetsMoveTheDecisionTheWayTheirNamesSay() {
    List<NodeState> cluster = List.of(
        MakeNode.named("half").shape("dgx-a100-8gpu-nv12").busy(0, 1, 2, 3).state(),
        MakeNode.named("empty").shape("dgx-a100-8gpu-nv12").state());
    PodInfo pod = MakePod.named("p").gpus(2).obj();
    assertThat(scores("binpack", pod, cluster)).containsExactly("half=8", "empty=4");
    assertThat(scores("spread", pod, cluster)).containsExactly("empty=8", "half=4");
    assertThat(scores("topology-first", pod, cluster)).containsExactly("half=9", "empty=7");
  }

  /**
   * The demo's complaint: an empty DGX A100 and an empty 8× L40S, 2 GPUs wanted. Both offer their
   * shape's best pair (topology 1): NV12 on the DGX (link 0.7427), NODE 16 GB/s on the L40S (link
   * 0.1098). The DGX pair breaks its intact 8-GPU NVLink block (fragmentation 0), the L40S pair one
   * 4-GPU NUMA block of 8 (fragmentation 0.5); binpack 2/8 = 0.25 on both. topology-first:
   *
   * <pre>
   *   dgx  (6 + 6·0.7427 + 2·0   + 0.25) / 15 = 10.706 / 15 = 0.714 → 7
   *   l40s (6 + 6·0.1098 + 2·0.5 + 0.25) / 15 =  7.909 / 15 = 0.527 → 5
   * </pre>
   *
   * Without the link term it was dgx (6 + 0.25) / 9 = 0.69 → 7 against l40s (6 + 1 + 0.25) / 9 =
   * 0.81 → 8: the pod went to PCIe to keep the DGX block whole.
   */
  @Test
  void twoGpusTakeFreeNvlinkOverPcieUnderTopologyFirst() {
    List<NodeState> cluster = List.of(
        MakeNode.named("l40s").shape("l40s-8gpu-pcie-node-sys").state(),
        MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").state());
    assertThat(scores("topology-first", MakePod.named("p").gpus(2).obj(), cluster))
        .containsExactly("dgx=7", "l40s=5");
  }

  /**
   * The same pod when the L40S is half full with both NUMA blocks already broken (GPUs 0, 1, 4, 5
   * busy; the pod gets NODE pair {2,3}, fragmentation 1, binpack 6/8 = 0.75) and the DGX is empty:
   *
   * <pre>
   *   topology-first (6,6,2,1): dgx (6 + 4.456 + 0 + 0.25) / 15 = 0.714 → 7; l40s (6 + 0.659 + 2 + 0.75) / 15 = 0.627 → 6
   *   binpack (1,1,1,6):        dgx (1 + 0.743 + 0 + 1.5) / 9  = 0.360 → 4; l40s (1 + 0.110 + 1 + 4.5) / 9  = 0.734 → 7
   * </pre>
   *
   * topology-first still takes the NVLink pair although everything else favours the L40S: 6 × (0.7427
   * − 0.1098) = 3.80 outweighs fragmentation and binpack together (2 × 1 + 1 × 0.5 = 2.5). binpack
   * keeps its character: filling the fuller node (6 × 0.5 = 3.0) outweighs link quality at weight 1.
   */
  @Test
  void binpackStillFillsTheFullerPcieNode() {
    List<NodeState> cluster = List.of(
        MakeNode.named("l40s").shape("l40s-8gpu-pcie-node-sys").busy(0, 1, 4, 5).state(),
        MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").state());
    PodInfo pod = MakePod.named("p").gpus(2).obj();
    assertThat(scores("topology-first", pod, cluster)).containsExactly("dgx=7", "l40s=6");
    assertThat(scores("binpack", pod, cluster)).containsExactly("l40s=7", "dgx=4");
  }

  private static List<String> scores(String preset, PodInfo pod, List<NodeState> cluster) {
    Placer p = new Placer(Policy.of(preset, java.util.Map.of(), 16));
    return p.rank(pod, cluster).feasible().stream().map(e -> e.node() + "=" + e.points()).toList();
  }

  @Test
  void unhealthyGpusAreNeverChosenAndDoNotCountAsUsable() {
    NodeTopology t = MakeTopology.gpus(4).nvswitch(18).unhealthy(1).build();
    NodeState node = MakeNode.named("n").topology(t).state();
    assertThat(placer.evaluate(MakePod.named("p").gpus(3).obj(), node).assignment().orElseThrow().gpus())
        .containsExactly(0, 2, 3);
    assertThat(placer.evaluate(MakePod.named("p").gpus(4).obj(), node).rejection())
        .contains(new Rejection("unhealthy-gpus", "have fewer than 4 healthy GPUs", false, "1 of 4 GPUs unhealthy"));
    // Five would not fit even were GPU 1 healthy: the node is too small, not failing.
    assertThat(placer.evaluate(MakePod.named("p").gpus(5).obj(), node).rejection().orElseThrow().code())
        .isEqualTo("too-few-gpus");
  }

  /**
   * NVLink pairs 0–1 and 2–3, SYS across; GPUs 1 and 3 unhealthy. Two healthy GPUs remain (0, 2)
   * but share no NVLink: a required-nvlink pair is refused for the unhealthy GPUs (each pair would
   * be whole were they healthy), never placed on 0+1 or 2+3, and an unconstrained pair gets 0 and 2.
   */
  @Test
  void unhealthyGpusBreakingEveryNvlinkPairGetTheirOwnReason() {
    NodeTopology t = MakeTopology.gpus(4).pcie(LinkKind.SYS).nvlinkPair(0, 1, 12).nvlinkPair(2, 3, 12)
        .unhealthy(1).unhealthy(3).build();
    NodeState node = MakeNode.named("n").topology(t).state();
    assertThat(placer.evaluate(MakePod.named("p").gpus(2).required("nvlink").obj(), node).rejection())
        .contains(new Rejection("unhealthy-gpus", "have fewer than 2 healthy GPUs", false, "2 of 4 GPUs unhealthy"));
    assertThat(placer.evaluate(MakePod.named("p").gpus(2).obj(), node).assignment().orElseThrow().gpus())
        .containsExactly(0, 2);
  }

  @Test
  void aShareOrMigInstanceOnlyOnUnhealthyGpusIsRefusedForThem() {
    NodeState whole = MakeNode.named("n").topology(MakeTopology.gpus(2).nvswitch(12).unhealthy(0).unhealthy(1).build())
        .state();
    assertThat(placer.evaluate(MakePod.named("s").milli(250).obj(), whole).rejection())
        .contains(new Rejection("unhealthy-gpus", "have no healthy GPU", false, "2 of 2 GPUs unhealthy"));
    MigState mig = new MigState(true, 8, List.of(new MigInstance("1g.10gb", 2, 1, 9728, "MIG-a-2", 9)));
    NodeState migNode = MakeNode.named("m").topology(MakeTopology.gpus(2).nvswitch(12).mig(0, mig)
        .mig(1, new MigState(true, 8, List.of(new MigInstance("1g.10gb", 2, 1, 9728, "MIG-b-2", 9))))
        .unhealthy(1).build()).state();
    // One 1g.10gb instance is healthy (GPU 0): one fits there, two need GPU 1's too.
    assertThat(placer.evaluate(MakePod.named("m1").mig("1g.10gb", 1).obj(), migNode).assignment().orElseThrow()
        .mig().get(0).uuid()).isEqualTo("MIG-a-2");
    assertThat(placer.evaluate(MakePod.named("m2").mig("1g.10gb", 2).obj(), migNode).rejection())
        .contains(new Rejection("unhealthy-gpus", "have fewer than 2 healthy GPUs", false, "1 of 2 GPUs unhealthy"));
    assertThat(placer.evaluate(MakePod.named("m3").mig("1g.10gb", 3).obj(), migNode).rejection().orElseThrow().code())
        .isEqualTo("no-mig-profile");
  }

  /** L40S with GPUs 0 and 4 busy: 3 free per socket, so a numa-required 4-GPU pod waits. */
  @Test
  void requiredNumaNeedsKFreeGpusInOneNumaNode() {
    NodeState node = MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").busy(0, 4).state();
    assertThat(placer.evaluate(MakePod.named("p").gpus(4).required("numa").obj(), node).rejection())
        .contains(new Rejection("insufficient-numa", "have fewer than 4 free GPUs in one NUMA node", true,
            "at most 3 free in one NUMA node"));
    assertThat(placer.evaluate(MakePod.named("p").gpus(4).obj(), node).feasible()).isTrue();
  }
}
