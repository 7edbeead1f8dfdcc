package io.topogpu.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.testing.MakeTopology;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Each score term on its own, expected values worked out by hand in the comments. */
class ScoreTermsTest {
  private final Placer placer = new Placer(Policy.defaults());

  /** The context the placer builds for {@code pod} on {@code node}, to feed one term directly. */
  private ScoreContext context(PodInfo pod, NodeState node) {
    NodeEvaluation e = placer.evaluate(pod, node);
    var a = e.assignment().orElseThrow();
    var ideal = e.chosen().map(c -> placer.chooser().choose(node.topology().orElseThrow(), node.shape(),
        node.placeableMask(), c.size(), pod.placement().linkConstraint()).orElseThrow());
    return new ScoreContext(pod, pod.request().orElseThrow(), node, node.with(pod.key(), a), a, e.chosen(), ideal);
  }

  private static double value(OptionalDouble d) {
    return d.orElseThrow();
  }

  /**
   * L40S, GPUs 0–3 and 4 busy, 3 GPUs wanted: free {5,6,7} (NODE, 16 GB/s, NUMA 1). Ideal on the
   * empty node: three GPUs of one socket, the same. Quality 1.
   */
  @Test
  void topologyIsOneWhenTheSetMatchesTheShapesBest() {
    var c = context(MakePod.named("p").gpus(3).obj(),
        MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").busy(0, 1, 2, 3, 4).state());
    assertThat(value(new TopologyQuality().score(c))).isEqualTo(1.0);
  }

  /**
   * L40S, GPUs 1, 2, 5, 6 busy, 2 GPUs wanted: free {0,3,4,7}; best pair inside a socket, {0,3}
   * (NODE 16 GB/s, 1 NUMA group) — same as ideal → 1. With 1,2,3 and 5,6,7 busy the only pair is
   * {0,4}: SYS 10 GB/s across 2 groups → (10/16 + 10/16 + 1/2) / 3 = 0.5833.
   */
  @Test
  void topologyFallsWithBandwidthAndNumaSpan() {
    var good = context(MakePod.named("p").gpus(2).obj(),
        MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").busy(1, 2, 5, 6).state());
    var split = context(MakePod.named("p").gpus(2).obj(),
        MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").busy(1, 2, 3, 5, 6, 7).state());
    assertThat(value(new TopologyQuality().score(good))).isEqualTo(1.0);
    assertThat(value(new TopologyQuality().score(split))).isCloseTo((10.0 / 16 + 10.0 / 16 + 0.5) / 3, within(1e-9));
  }

  @Test
  void topologyDoesNotApplyToOneGpuOrShares() {
    NodeState node = MakeNode.named("n").shape("dgx-a100-8gpu-nv12").state();
    assertThat(new TopologyQuality().score(context(MakePod.named("p").gpus(1).obj(), node))).isEmpty();
    assertThat(new TopologyQuality().score(context(MakePod.named("p").milli(100).obj(), node))).isEmpty();
  }

  /**
   * link = ln(bottleneck / 10) / ln(721.8 / 10), ln(72.18) = 4.2792, clamped to [0, 1]:
   *
   * <pre>
   *   DGX A100 pair, NV12 × 20 GB/s = 240 GB/s:       ln 24    / 4.2792 = 3.1781 / 4.2792 = 0.7427
   *   H100 pair, NV18 × 20.6 GB/s = 370.8 GB/s:       ln 37.08 / 4.2792 = 3.6131 / 4.2792 = 0.8443
   *   GB200 pair, NV18 × 40.1 GB/s = 721.8 GB/s:      the top of the scale                        = 1
   *   two GPUs behind one PCIe switch, PIX 24 GB/s:   ln 2.4   / 4.2792 = 0.8755 / 4.2792 = 0.2046
   *   L40S pair inside a socket, NODE 16 GB/s:        ln 1.6   / 4.2792 = 0.4700 / 4.2792 = 0.1098
   *   L40S {0,4} across sockets, SYS 10 GB/s:         ln 1     / 4.2792                   = 0
   * </pre>
   *
   * (The per-link bandwidth follows the GPU model; the H100 and GB200 pairs name theirs, as the node
   * agent's NVML probe does. A bare {@code topo -m} capture carries no model and gets 20 GB/s.)
   */
  @Test
  void linkRatesTheBottleneckOnOneScaleForEveryShape() {
    PodInfo pair = MakePod.named("p").gpus(2).obj();
    NodeState pix = MakeNode.named("n").topology(MakeTopology.gpus(2).pcie(LinkKind.PIX).build()).state();
    assertThat(link(pair, MakeNode.named("n").shape("dgx-a100-8gpu-nv12").state())).isCloseTo(0.7427, within(1e-4));
    assertThat(link(pair, nvswitch18("NVIDIA H100 80GB HBM3"))).isCloseTo(0.8443, within(1e-4));
    assertThat(link(pair, nvswitch18("NVIDIA GB200"))).isCloseTo(1.0, within(1e-9));
    assertThat(link(pair, pix)).isCloseTo(0.2046, within(1e-4));
    assertThat(link(pair, MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").state()))
        .isCloseTo(0.1098, within(1e-4));
    assertThat(link(pair, MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").busy(1, 2, 3, 5, 6, 7).state()))
        .isZero();
  }

  /** Every NVLink pair of an A100 or later rates above every PCIe class, and the scale is clamped. */
  @Test
  void linkOrdersNvlinkAbovePcieAndStaysInRange() {
    assertThat(LinkQuality.of(LinkKind.PIX.nominalGbps())).isLessThan(LinkQuality.of(12 * 20.0));
    assertThat(LinkQuality.of(5)).isZero();
    assertThat(LinkQuality.of(2 * 721.8)).isEqualTo(1.0);
  }

  /** One GPU, a share or a MIG instance has no peer to talk to: the term is left out, not scored. */
  @Test
  void linkDoesNotApplyToPodsOnOneGpu() {
    NodeState node = MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").state();
    assertThat(new LinkQuality().score(context(MakePod.named("p").gpus(1).obj(), node))).isEmpty();
    assertThat(new LinkQuality().score(context(MakePod.named("p").milli(100).obj(), node))).isEmpty();
    NodeState mig = MakeNode.named("n").topology(MakeTopology.gpus(1).mig(0, PlacerTest.balanced("a")).build()).state();
    assertThat(new LinkQuality().score(context(MakePod.named("p").mig("1g.10gb", 1).obj(), mig))).isEmpty();
  }

  private static NodeState nvswitch18(String model) {
    return MakeNode.named("n").topology(MakeTopology.gpus(4).nvswitch(18).model(model).build()).state();
  }

  private double link(PodInfo pod, NodeState node) {
    return value(new LinkQuality().score(context(pod, node)));
  }

  /** DGX A100, 2 busy + 250 milli on GPU 3; 2 GPUs more: used after = 4000 + 250 of 8000 → 0.53125. */
  @Test
  void binpackIsUsedOverCapacityAfterPlacement() {
    var c = context(MakePod.named("p").gpus(2).obj(),
        MakeNode.named("n").shape("dgx-a100-8gpu-nv12").busy(0, 1).share(3, 250).state());
    assertThat(value(new BinPacking().score(c))).isEqualTo(4250.0 / 8000);
    assertThat(value(new Spreading().score(c))).isEqualTo(1 - 4250.0 / 8000);
  }

  /**
   * Azure pairs, all free, 2 GPUs: takes pair {0,1}, breaking that intact block of 2 of 4 GPUs →
   * 1 − 2/4 = 0.5. With GPU 1 busy, 1 GPU wanted: GPU 0 (the broken pair's survivor), nothing
   * intact broken → 1.
   */
  @Test
  void fragmentationCountsTheIntactBlocksAPlacementBreaks() {
    var pair = context(MakePod.named("p").gpus(2).obj(),
        MakeNode.named("n").shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").state());
    var survivor = context(MakePod.named("p").gpus(1).obj(),
        MakeNode.named("n").shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").busy(1).state());
    assertThat(value(new Fragmentation().score(pair))).isEqualTo(0.5);
    assertThat(survivor.assignment().gpus()).containsExactly(0);
    assertThat(value(new Fragmentation().score(survivor))).isEqualTo(1.0);
  }

  /**
   * L40S (blocks: the two NUMA groups of 4, no NVLink), GPU 0 busy. A 300 milli share opens GPU 1
   * (block {0..3} already broken, nothing intact broken) and strands 700 milli → 1 − 0.7/8 = 0.9125.
   * With GPU 1 already shared at 500, the share joins it: nothing broken, nothing newly stranded → 1.
   */
  @Test
  void fragmentationChargesAShareForTheGpuItOpens() {
    var opens = context(MakePod.named("p").milli(300).obj(),
        MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").busy(0).state());
    var joins = context(MakePod.named("p").milli(300).obj(),
        MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").busy(0).share(1, 500).state());
    assertThat(opens.assignment().gpus()).containsExactly(1);
    assertThat(value(new Fragmentation().score(opens))).isCloseTo(1 - 0.7 / 8, within(1e-9));
    assertThat(value(new Fragmentation().score(joins))).isEqualTo(1.0);
  }

  @Test
  void preferredIsOneOnlyWhenTheSetMeetsTheLevel() {
    NodeState split = MakeNode.named("n").shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").busy(1, 3).state();
    NodeState paired = MakeNode.named("n").shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").busy(2, 3).state();
    PodInfo pod = MakePod.named("p").gpus(2).preferred("nvlink").obj();
    assertThat(value(new PreferredPlacement().score(context(pod, split)))).isZero();
    assertThat(value(new PreferredPlacement().score(context(pod, paired)))).isEqualTo(1.0);
    assertThat(new PreferredPlacement().score(context(MakePod.named("p").gpus(2).obj(), paired))).isEmpty();
  }

  /**
   * Weights topology 2, binpack 1, others 0, on the L40S split pair above: topology 0.5833, binpack
   * 8/8 = 1 → raw (2·0.5833 + 1) / 3 = 0.7222 → score 7. Terms with weight 0 are left out.
   */
  @Test
  void scoreIsTheRoundedWeightedMeanOfApplicableTerms() {
    Policy p = Policy.of("topology-first",
        Map.of("topology", 2, "link", 0, "fragmentation", 0, "binpack", 1, "preferred", 0), 16);
    var c = context(MakePod.named("p").gpus(2).obj(),
        MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").busy(1, 2, 3, 5, 6, 7).state());
    ScoreBreakdown s = new Scorer(p).score(c);
    assertThat(s.raw()).isCloseTo((2 * (10.0 / 16 + 10.0 / 16 + 0.5) / 3 + 1) / 3, within(1e-9));
    assertThat(s.score()).isEqualTo(7);
    assertThat(s.terms()).extracting(ScoreBreakdown.TermScore::term).containsExactly("topology", "binpack");
  }
}
