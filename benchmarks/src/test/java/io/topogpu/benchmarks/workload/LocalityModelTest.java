package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Slowdowns of the default locality model against the values worked out in locality-model.md §4.4 (HGX
 * A100, 8× HDR 200G rail-optimized) and by hand for the PCIe server (see each case).
 */
class LocalityModelTest {
  private final LocalityModel model = LocalityModel.DEFAULT;
  private final SimNode dgx = TestCluster.node("dgx-a100-8gpu-nv12");

  @Test
  void eightGpusOnTwoNodesOfFourCostThreePercentForVgg() {
    List<SimNode> two = TestCluster.cluster().nodes(2, "dgx-a100-8gpu-nv12").build();
    LocalityModel.Bandwidth placed = model.bandwidth(List.of(share(two.get(0), 4), share(two.get(1), 4)));
    assertThat(placed.gbps()).isEqualTo(96.0); // min(230, 4 NICs × 24)
    LocalityModel.Bandwidth ref = model.reference(dgx, 8);
    assertThat(ref.gbps()).isEqualTo(230.0);
    assertThat(model.slowdown(Archetype.B_VGG16, placed, ref)).isCloseTo(1.03, within(0.005));
    assertThat(model.slowdown(Archetype.A_RESNET50, placed, ref)).isCloseTo(1.01, within(0.005));
    assertThat(model.slowdown(Archetype.C_BERT_FINETUNE, placed, ref)).isCloseTo(1.03, within(0.005));
    assertThat(model.slowdown(Archetype.D_BERT_PRETRAIN, placed, ref)).isCloseTo(1.00, within(0.005));
  }

  @Test
  void eightGpusOnEightNodesCostTwentyPercentForVgg() {
    List<SimNode> eight = TestCluster.cluster().nodes(8, "dgx-a100-8gpu-nv12").build();
    LocalityModel.Bandwidth placed = model.bandwidth(eight.stream().map(n -> share(n, 1)).toList());
    assertThat(placed.gbps()).isEqualTo(24.0);
    LocalityModel.Bandwidth ref = model.reference(dgx, 8);
    assertThat(model.slowdown(Archetype.B_VGG16, placed, ref)).isCloseTo(1.20, within(0.005));
    assertThat(model.slowdown(Archetype.A_RESNET50, placed, ref)).isCloseTo(1.04, within(0.005));
    assertThat(model.slowdown(Archetype.C_BERT_FINETUNE, placed, ref)).isCloseTo(1.16, within(0.005));
  }

  @Test
  void sixteenGpusReferToTwoFullNodesAt192() {
    assertThat(model.reference(dgx, 16).gbps()).isEqualTo(192.0); // min(230, 8 × 24)
    assertThat(model.reference(dgx, 16).nodes()).isEqualTo(2);
  }

  @Test
  void pcieServerPairAcrossSocketsVersusInsideOne() {
    // VGG-16, n = 2: S = 553,430,176 B, 23 buckets of 25 MB, α_intra 5.7 µs (8.4 + 2 · 5.7 = 19.8 µs each).
    // across (SYS, 10 GB/s): T_step = 0.098 + 0.5 · (0.0553430 + 23 · 19.8e-6) = 0.1258992
    // inside (NODE, 20 GB/s): T_step = 0.098 + 0.5 · (0.0276715 + 23 · 19.8e-6) = 0.1120635  → 1.1235
    SimNode l40s = TestCluster.node("l40s-8gpu-pcie-node-sys");
    LocalityModel.Bandwidth across = model.bandwidth(List.of(new LocalityModel.Share(l40s, List.of(0, 4))));
    assertThat(across.gbps()).isEqualTo(10.0);
    assertThat(model.reference(l40s, 2).gbps()).isEqualTo(20.0);
    assertThat(model.slowdown(Archetype.B_VGG16, across, model.reference(l40s, 2))).isCloseTo(1.1235, within(0.0005));
  }

  @Test
  void spanningTwoLeavesHalvesNicBandwidthWhenTheSpineIsOversubscribed() {
    // min(230, 4 × 24 / 2) = 48 → VGG-16 1.0817 by the same formula
    List<SimNode> apart = TestCluster.cluster().under("leaf-1", "s").nodes(1, "dgx-a100-8gpu-nv12")
        .under("leaf-2", "s").nodes(1, "dgx-a100-8gpu-nv12").build();
    LocalityModel high = model.withOversubscription(2);
    LocalityModel.Bandwidth placed = high.bandwidth(List.of(share(apart.get(0), 4), share(apart.get(1), 4)));
    assertThat(placed.gbps()).isEqualTo(48.0);
    assertThat(high.slowdown(Archetype.B_VGG16, placed, high.reference(dgx, 8))).isCloseTo(1.0817, within(0.0005));
  }

  @Test
  void oneGpuJobsAreNeverSlowedDown() {
    LocalityModel.Bandwidth one = model.bandwidth(List.of(share(dgx, 1)));
    assertThat(model.slowdown(Archetype.B_VGG16, one, model.reference(dgx, 1))).isEqualTo(1.0);
  }

  @Test
  void bestSetsAreFoundByBruteForce() {
    SimNode azure = TestCluster.node("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs");
    assertThat(BestSets.of(azure.kind(), azure.topology(), 2).gbps()).isEqualTo(240.0); // NV12 bridge × 20
    assertThat(BestSets.of(azure.kind(), azure.topology(), 3).gbps()).isEqualTo(10.0); // any 3 cross a socket
  }

  private static LocalityModel.Share share(SimNode n, int gpus) {
    return new LocalityModel.Share(n, IntStream.range(0, gpus).boxed().toList());
  }
}
