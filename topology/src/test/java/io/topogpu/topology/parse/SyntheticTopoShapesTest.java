package io.topogpu.topology.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.NodeTopology;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Shapes users have that the shipped captures do not cover, written as {@code topo -m} text. */
class SyntheticTopoShapesTest {

  /**
   * DGX-1 (V100) hybrid cube-mesh: each GPU spends its 6 NVLinks as NV1/NV1/NV2/NV2 on four peers;
   * two quads (0-3, 4-7) fully meshed, joined by 0-4, 1-5, 2-6, 3-7. Layout as published in DGX-1V
   * captures (e.g. the Oneflow-Inc/OneFlow-Benchmark test reports); older driver: mlx5 column, no
   * NUMA columns.
   */
  private static final String DGX1_HYBRID_CUBE_MESH = """
              GPU0    GPU1    GPU2    GPU3    GPU4    GPU5    GPU6    GPU7    mlx5_0  CPU Affinity
      GPU0     X      NV1     NV1     NV2     NV2     SYS     SYS     SYS     NODE    0-19,40-59
      GPU1    NV1      X      NV2     NV1     SYS     NV2     SYS     SYS     NODE    0-19,40-59
      GPU2    NV1     NV2      X      NV2     SYS     SYS     NV1     SYS     PIX     0-19,40-59
      GPU3    NV2     NV1     NV2      X      SYS     SYS     SYS     NV1     PIX     0-19,40-59
      GPU4    NV2     SYS     SYS     SYS      X      NV1     NV1     NV2     SYS     20-39,60-79
      GPU5    SYS     NV2     SYS     SYS     NV1      X      NV2     NV1     SYS     20-39,60-79
      GPU6    SYS     SYS     NV1     SYS     NV1     NV2      X      NV2     SYS     20-39,60-79
      GPU7    SYS     SYS     SYS     NV1     NV2     NV1     NV2      X      SYS     20-39,60-79
      mlx5_0  NODE    NODE    PIX     PIX     SYS     SYS     SYS     SYS      X
      """;

  @Test
  void dgx1HybridCubeMeshIsOneDirectDomainWithMixedLinkCounts() {
    NodeTopology t = TopoMatrixParser.parse(DGX1_HYBRID_CUBE_MESH);
    assertThat(t.nvlinkDomains()).containsExactly(IntStream.range(0, 8).boxed().toList());
    assertThat(t.hasNvswitch()).isFalse();
    assertThat(t.link(0, 1)).isEqualTo(Link.nvlink(1));
    assertThat(t.link(0, 3)).isEqualTo(Link.nvlink(2));
    assertThat(t.link(0, 4)).isEqualTo(Link.nvlink(2));
    assertThat(t.link(0, 5)).isEqualTo(Link.pcie(LinkKind.SYS));
    // unknown model -> Volta/Ampere rate: NV2 = 2 x 20 GB/s
    assertThat(t.bandwidth(0, 3)).isEqualTo(40.0);
    assertThat(t.numaGroups()).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7));
    assertThat(t.nics().get(0).device()).isEqualTo("mlx5_0");
  }

  @Test
  void bridgePairsBetweenNonAdjacentIndicesFormTwoDomains() {
    NodeTopology t = TopoMatrixParser.parse("""
              GPU0    GPU1    GPU2    GPU3    CPU Affinity    NUMA Affinity   GPU NUMA ID
      GPU0     X      PHB     NV4     PHB     0-31    0               N/A
      GPU1    PHB      X      PHB     NV4     0-31    0               N/A
      GPU2    NV4     PHB      X      PHB     0-31    0               N/A
      GPU3    PHB     NV4     PHB      X      0-31    0               N/A
      """);
    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 2), List.of(1, 3));
    assertThat(t.hasNvswitch()).isFalse();
    assertThat(t.link(0, 1)).isEqualTo(Link.pcie(LinkKind.PHB));
  }

  @Test
  void gpuThatLostItsNvlinksLeavesTheSwitchedDomainWhileItsPeersStay() {
    // DGX A100 with GPU3's NVLinks down: its row shows PCIe classes, the other seven keep NV12.
    NodeTopology t = TopoMatrixParser.parse("""
              GPU0    GPU1    GPU2    GPU3    GPU4    GPU5    GPU6    GPU7    CPU Affinity    NUMA Affinity   GPU NUMA ID
      GPU0     X      NV12    NV12    SYS     NV12    NV12    NV12    NV12    48-63,176-191   3               N/A
      GPU1    NV12     X      NV12    SYS     NV12    NV12    NV12    NV12    48-63,176-191   3               N/A
      GPU2    NV12    NV12     X      PXB     NV12    NV12    NV12    NV12    16-31,144-159   1               N/A
      GPU3    SYS     SYS     PXB      X      SYS     SYS     SYS     SYS     16-31,144-159   1               N/A
      GPU4    NV12    NV12    NV12    SYS      X      NV12    NV12    NV12    112-127,240-255 7               N/A
      GPU5    NV12    NV12    NV12    SYS     NV12     X      NV12    NV12    112-127,240-255 7               N/A
      GPU6    NV12    NV12    NV12    SYS     NV12    NV12     X      NV12    80-95,208-223   5               N/A
      GPU7    NV12    NV12    NV12    SYS     NV12    NV12    NV12     X      80-95,208-223   5               N/A
      """);
    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 1, 2, 4, 5, 6, 7));
    assertThat(t.domainSwitched(0)).isTrue();
    assertThat(t.nvlinkDomainOf(3)).isEqualTo(-1);
    assertThat(t.link(2, 3)).isEqualTo(Link.pcie(LinkKind.PXB));
    assertThat(t.link(1, 7)).isEqualTo(Link.nvswitch(12));
  }

  @Test
  void twoGpusWithOneBridgeAreOneDirectDomain() {
    NodeTopology t = TopoMatrixParser.parse("""
      \tGPU0\tGPU1\tCPU Affinity\tNUMA Affinity\tGPU NUMA ID
      GPU0\t X \tNV4\t0-15\t0\t\tN/A
      GPU1\tNV4\t X \t0-15\t0\t\tN/A
      """);
    assertThat(t.gpuCount()).isEqualTo(2);
    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 1));
    assertThat(t.domainSwitched(0)).isFalse();
    assertThat(t.numaGroups()).containsExactly(List.of(0, 1));
  }

  @Test
  void sixteenGpusInBridgePairsOverTwoSockets() {
    NodeTopology t = TopoMatrixParser.parse("""
              GPU0    GPU1    GPU2    GPU3    GPU4    GPU5    GPU6    GPU7    GPU8    GPU9    GPU10   GPU11   GPU12   GPU13   GPU14   GPU15   CPU Affinity    NUMA Affinity   GPU NUMA ID
      GPU0     X      NV4     NODE    NODE    NODE    NODE    NODE    NODE    SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     0-31    0               N/A
      GPU1    NV4      X      NODE    NODE    NODE    NODE    NODE    NODE    SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     0-31    0               N/A
      GPU2    NODE    NODE     X      NV4     NODE    NODE    NODE    NODE    SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     0-31    0               N/A
      GPU3    NODE    NODE    NV4      X      NODE    NODE    NODE    NODE    SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     0-31    0               N/A
      GPU4    NODE    NODE    NODE    NODE     X      NV4     NODE    NODE    SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     0-31    0               N/A
      GPU5    NODE    NODE    NODE    NODE    NV4      X      NODE    NODE    SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     0-31    0               N/A
      GPU6    NODE    NODE    NODE    NODE    NODE    NODE     X      NV4     SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     0-31    0               N/A
      GPU7    NODE    NODE    NODE    NODE    NODE    NODE    NV4      X      SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     0-31    0               N/A
      GPU8    SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS      X      NV4     NODE    NODE    NODE    NODE    NODE    NODE    32-63   1               N/A
      GPU9    SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     NV4      X      NODE    NODE    NODE    NODE    NODE    NODE    32-63   1               N/A
      GPU10   SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     NODE    NODE     X      NV4     NODE    NODE    NODE    NODE    32-63   1               N/A
      GPU11   SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     NODE    NODE    NV4      X      NODE    NODE    NODE    NODE    32-63   1               N/A
      GPU12   SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     NODE    NODE    NODE    NODE     X      NV4     NODE    NODE    32-63   1               N/A
      GPU13   SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     NODE    NODE    NODE    NODE    NV4      X      NODE    NODE    32-63   1               N/A
      GPU14   SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     NODE    NODE    NODE    NODE    NODE    NODE     X      NV4     32-63   1               N/A
      GPU15   SYS     SYS     SYS     SYS     SYS     SYS     SYS     SYS     NODE    NODE    NODE    NODE    NODE    NODE    NV4      X      32-63   1               N/A
      """);
    assertThat(t.gpuCount()).isEqualTo(16);
    assertThat(t.nvlinkDomains()).hasSize(8).contains(List.of(0, 1), List.of(14, 15));
    assertThat(t.hasNvswitch()).isFalse();
    assertThat(t.link(9, 10)).isEqualTo(Link.pcie(LinkKind.NODE));
    assertThat(t.link(7, 8)).isEqualTo(Link.pcie(LinkKind.SYS));
    assertThat(t.numaGroups()).containsExactly(
        IntStream.range(0, 8).boxed().toList(), IntStream.range(8, 16).boxed().toList());
  }

  @Test
  void blankLinesBetweenRowsCrlfEndingsAndPromptLinesAreTolerated() {
    String text = "user@node:~$ nvidia-smi topo -m\r\n"
        + "        GPU0    GPU1    CPU Affinity\r\n"
        + "GPU0     X      NV2     0-7\r\n"
        + "\r\n"
        + "GPU1    NV2      X      0-7\r\n"
        + "\r\n"
        + "Legend:\r\n";
    NodeTopology t = TopoMatrixParser.parse(text);
    assertThat(t.link(0, 1)).isEqualTo(Link.nvlink(2));
    assertThat(t.gpu(1).cpuAffinity()).isEqualTo("0-7");
  }
}
