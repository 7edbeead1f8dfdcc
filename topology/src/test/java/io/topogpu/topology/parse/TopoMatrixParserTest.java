package io.topogpu.topology.parse;

import static io.topogpu.topology.model.LinkKind.NODE;
import static io.topogpu.topology.model.LinkKind.PHB;
import static io.topogpu.topology.model.LinkKind.PIX;
import static io.topogpu.topology.model.LinkKind.PXB;
import static io.topogpu.topology.model.LinkKind.SYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.Nic;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every shipped capture, with expectations read off the capture by hand: GPU count, NVLink
 * domains and whether they are switched (Σ NV per GPU > 18), NUMA groups, a few pairwise classes,
 * NICs.
 */
class TopoMatrixParserTest {

  private static NodeTopology shape(String name) {
    return Shapes.load(name);
  }

  private static List<String> warnings(String name) {
    return TopoMatrixParser.parseDetailed(Shapes.text(name)).warnings();
  }

  private static List<Integer> range(int from, int to) {
    return java.util.stream.IntStream.range(from, to).boxed().toList();
  }

  @Test
  void dgxA100IsOneSwitchedDomainOfEightWithNumaPairsAndTwoNicsPerPcieSwitch() {
    NodeTopology t = shape("dgx-a100-8gpu-nv12");
    assertThat(t.gpuCount()).isEqualTo(8);
    assertThat(t.nvlinkDomains()).containsExactly(range(0, 8));
    assertThat(t.domainSwitched(0)).isTrue();
    assertThat(t.link(0, 7)).isEqualTo(Link.nvswitch(12));
    // NUMA Affinity 3,3,1,1,7,7,5,5: four groups in order of the lowest GPU.
    assertThat(t.numaGroups()).containsExactly(List.of(0, 1), List.of(2, 3), List.of(4, 5), List.of(6, 7));
    assertThat(t.gpu(6).numaNode()).isEqualTo(5);
    assertThat(t.gpu(6).cpuAffinity()).isEqualTo("80-95,208-223");
    assertThat(t.nics()).extracting(Nic::device)
        .containsExactly("mlx5_0", "mlx5_1", "mlx5_2", "mlx5_3", "mlx5_4", "mlx5_5", "mlx5_6", "mlx5_7", "mlx5_8", "mlx5_9");
    assertThat(t.nics().get(2).gpuLinks()).containsExactly(SYS, SYS, PXB, PXB, SYS, SYS, SYS, SYS);
    assertThat(t.nics().get(8).gpuLinks()).containsOnly(SYS);
  }

  @Test
  void dgxA100FileUsesTheCompleteCaptureAndSaysTheExcerptBeforeItIsTruncated() {
    assertThat(warnings("dgx-a100-8gpu-nv12")).containsExactly(
        "capture at line 6 is truncated at line 13 (row GPU6 has 2 cells, expected 18 = 8 GPU + 10 NIC columns);"
            + " skipped for the capture at line 21");
  }

  @Test
  void azureA100PcieHasTwoDirectNv12BridgePairsAndOneNumaNodePerGpu() {
    NodeTopology t = shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs");
    assertThat(t.gpuCount()).isEqualTo(4);
    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 1), List.of(2, 3));
    assertThat(t.hasNvswitch()).isFalse();
    assertThat(t.link(0, 1)).isEqualTo(Link.nvlink(12));
    assertThat(t.link(1, 2)).isEqualTo(Link.pcie(SYS));
    assertThat(t.numaGroups()).containsExactly(List.of(0), List.of(1), List.of(2), List.of(3));
    assertThat(t.gpu(3).cpuAffinity()).isEqualTo("72-95");
    assertThat(t.nics()).isEmpty();
    assertThat(warnings("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs")).isEmpty();
  }

  @Test
  void l40sEightGpuHasNoNvlinkAndTwoNumaGroupsOfFour() {
    NodeTopology t = shape("l40s-8gpu-pcie-node-sys");
    assertThat(t.gpuCount()).isEqualTo(8);
    assertThat(t.nvlinkDomains()).isEmpty();
    assertThat(t.numaGroups()).containsExactly(range(0, 4), range(4, 8));
    assertThat(t.link(0, 3)).isEqualTo(Link.pcie(NODE));
    assertThat(t.link(3, 4)).isEqualTo(Link.pcie(SYS));
    assertThat(t.nics()).containsExactly(new Nic("NIC0", "", List.of(SYS, SYS, SYS, SYS, SYS, SYS, SYS, SYS)));
    assertThat(warnings("l40s-8gpu-pcie-node-sys")).containsExactly("capture at line 6: no NIC legend for NIC0");
  }

  @Test
  void l40sFourGpuHasNodePairsAndBothNicsOnTheSecondSocket() {
    NodeTopology t = shape("l40s-4gpu-pcie-node-sys");
    assertThat(t.nvlinkDomains()).isEmpty();
    assertThat(t.numaGroups()).containsExactly(List.of(0, 1), List.of(2, 3));
    assertThat(t.nics()).containsExactly(
        new Nic("NIC0", "mlx5_0", List.of(SYS, SYS, NODE, NODE)), new Nic("NIC1", "mlx5_1", List.of(SYS, SYS, NODE, NODE)));
  }

  @Test
  void hgxH100FourGpuIsDirectBecauseThreeTimesNv6IsExactlyEighteen() {
    NodeTopology t = shape("hgx-h100-4gpu-nv6");
    assertThat(t.nvlinkDomains()).containsExactly(range(0, 4));
    assertThat(t.domainSwitched(0)).isFalse();
    assertThat(t.link(1, 3)).isEqualTo(Link.nvlink(6));
    assertThat(t.numaGroups()).hasSize(4);
    assertThat(t.gpu(2).numaNode()).isEqualTo(7);
    assertThat(t.nics().get(1).gpuLinks()).containsExactly(SYS, PIX, SYS, SYS);
  }

  @Test
  void dgxH100SplitsFusedHeaderAndCellsAndToleratesTheCutNicRows() {
    NodeTopology t = shape("dgx-h100-8gpu-nv18");
    assertThat(t.nvlinkDomains()).containsExactly(range(0, 8));
    assertThat(t.link(2, 5)).isEqualTo(Link.nvswitch(18));
    assertThat(t.numaGroups()).containsExactly(range(0, 4), range(4, 8));
    assertThat(t.nics()).extracting(Nic::name).containsExactly(
        "NIC0", "NIC1", "NIC2", "NIC3", "NIC4", "NIC5", "NIC6", "NIC7", "NIC8", "NIC9", "NIC10", "NIC11");
    // "NODEPXB" in row GPU5 is NIC8 = NODE, NIC9 = PXB.
    assertThat(t.nics().get(9).gpuLinks()).containsExactly(SYS, SYS, SYS, SYS, NODE, PXB, NODE, NODE);
    assertThat(t.nics().get(3).gpuLinks()).containsExactly(NODE, PXB, NODE, NODE, SYS, SYS, SYS, SYS);
    assertThat(warnings("dgx-h100-8gpu-nv18")).containsExactly(
        "line 16: row NIC0 has 14 of 20 cells (input truncated?); NIC links are taken from the GPU rows",
        "line 17: capture at line 7 has no row NIC1..NIC11; NIC links are taken from the GPU rows",
        "capture at line 7: no NIC legend for NIC0..NIC11");
  }

  @Test
  void hgxH100EightGpuTabOutputGivesEachGpuItsOwnPixNic() {
    NodeTopology t = shape("hgx-h100-8gpu-nv18-pix-nics");
    assertThat(t.nvlinkDomains()).containsExactly(range(0, 8));
    assertThat(t.hasNvswitch()).isTrue();
    assertThat(t.nics()).hasSize(10);
    // GPU3's PIX NIC is NIC5; NIC3 and NIC4 are SYS to every GPU.
    assertThat(t.nics().get(5).gpuLinks()).containsExactly(SYS, SYS, SYS, PIX, SYS, SYS, SYS, SYS);
    assertThat(t.nics().get(3).gpuLinks()).containsOnly(SYS);
    assertThat(t.gpu(7).numaNode()).isEqualTo(1);
  }

  @Test
  void hgxH20HasOnlyTwoNicsBothBehindGpu6sHostBridge() {
    NodeTopology t = shape("hgx-h20-8gpu-nv18");
    assertThat(t.nvlinkDomains()).containsExactly(range(0, 8));
    assertThat(t.domainSwitched(0)).isTrue();
    assertThat(t.numaGroups()).containsExactly(range(0, 4), range(4, 8));
    assertThat(t.nics().get(0).gpuLinks()).containsExactly(SYS, SYS, SYS, SYS, NODE, NODE, PHB, NODE);
  }

  @Test
  void gb200TrayIsSwitchedAndTakesTheFirstIdOfANumaAffinityList() {
    NodeTopology t = shape("gb200-nvl-4gpu-tray");
    assertThat(t.nvlinkDomains()).containsExactly(range(0, 4));
    assertThat(t.link(0, 3)).isEqualTo(Link.nvswitch(18));
    assertThat(t.gpu(1).numaNode()).isZero();
    assertThat(t.gpu(2).numaNode()).isEqualTo(1);
    assertThat(t.numaGroups()).containsExactly(List.of(0, 1), List.of(2, 3));
    assertThat(t.nics()).hasSize(8).allSatisfy(nic -> assertThat(nic.gpuLinks()).containsOnly(SYS));
    assertThat(warnings("gb200-nvl-4gpu-tray")).containsExactly(
        "capture at line 5 is truncated at line 9 (row GPU3 has 5 cells, expected 10 = 4 GPU + 6 NIC columns);"
            + " skipped for the capture at line 18");
  }

  @Test
  void gb200VariantWithoutGpuNumaIdsIsTheSameShapeWithoutNics() {
    NodeTopology t = shape("gb200-nvl-4gpu-tray-variant2");
    assertThat(t.nvlinkDomains()).containsExactly(range(0, 4));
    assertThat(t.hasNvswitch()).isTrue();
    assertThat(t.numaGroups()).containsExactly(List.of(0, 1), List.of(2, 3));
    assertThat(t.nics()).isEmpty();
  }

  @Test
  void asusRtx6000AdaNamesOnlyTheNicsItsCutLegendLists() {
    NodeTopology t = shape("asus-esc8000a-4x-rtx6000ada-pcie");
    assertThat(t.nvlinkDomains()).isEmpty();
    assertThat(t.link(0, 1)).isEqualTo(Link.pcie(NODE));
    assertThat(t.link(1, 2)).isEqualTo(Link.pcie(SYS));
    assertThat(t.numaGroups()).containsExactly(List.of(0, 1), List.of(2, 3));
    assertThat(t.nics()).extracting(Nic::device).containsExactly("mlx5_0", "mlx5_1", "", "");
    assertThat(warnings("asus-esc8000a-4x-rtx6000ada-pcie"))
        .containsExactly("capture at line 4: the NIC legend names no device for NIC2, NIC3");
  }

  @Test
  void pugetTwoGpuWorkstationIsOnePhbPairOnOneNumaNode() {
    NodeTopology t = shape("puget-wrx90-2x-rtx6000ada-phb");
    assertThat(t.gpuCount()).isEqualTo(2);
    assertThat(t.link(0, 1)).isEqualTo(Link.pcie(PHB));
    assertThat(t.numaGroups()).containsExactly(List.of(0, 1));
    assertThat(t.nics()).extracting(Nic::gpuLinks).containsExactly(List.of(NODE, NODE), List.of(NODE, NODE));
  }

  @Test
  void rtx4090IsAllSysAndOnlyNumaAffinitySplitsTheHalves() {
    NodeTopology t = shape("rtx4090-8gpu-pcie-all-sys");
    assertThat(t.linkHistogram()).containsExactly(java.util.Map.entry("SYS", 28));
    assertThat(t.numaGroups()).containsExactly(range(0, 4), range(4, 8));
    assertThat(t.nics().get(0).gpuLinks()).containsExactly(SYS, SYS, SYS, SYS, SYS, SYS, PHB, SYS);
  }

  @Test
  void p2pMatrixAfterTheTopologyIsSkippedWithAWarning() {
    NodeTopology t = shape("p2p-matrix-legend-geforce-gns");
    assertThat(t.gpuCount()).isEqualTo(2);
    assertThat(t.link(0, 1)).isEqualTo(Link.pcie(PHB));
    assertThat(warnings("p2p-matrix-legend-geforce-gns")).singleElement().asString()
        .startsWith("line 25: skipped an nvidia-smi topo -p2p matrix");
  }

  @Test
  void reconstructedDgx2IsOneSwitchedSixteenGpuDomainGroupedBySocketAffinity() {
    NodeTopology t = shape("dgx2-v100-16gpu-nvswitch-nv6-reconstructed");
    assertThat(t.gpuCount()).isEqualTo(16);
    assertThat(t.nvlinkDomains()).containsExactly(range(0, 16));
    assertThat(t.link(0, 15)).isEqualTo(Link.nvswitch(6));
    // no NUMA Affinity column: groups come from the two CPU Affinity values
    assertThat(t.gpu(0).numaNode()).isEqualTo(-1);
    assertThat(t.numaGroups()).containsExactly(range(0, 8), range(8, 16));
    assertThat(t.nics()).extracting(Nic::device).startsWith("mlx5_0", "mlx5_1");
    assertThat(t.nics().get(0).gpuLinks().subList(0, 5)).containsExactly(PIX, PIX, PXB, PXB, NODE);
  }

  @Test
  void originalDgx2CaptureIsRejectedAtTheLineWhereItStops() {
    assertThatThrownBy(() -> TopoMatrixParser.parse(Shapes.text("dgx2-v100-16gpu-nvswitch-nv6")))
        .isInstanceOfSatisfying(TopoParseException.class, e -> assertThat(e.line()).isEqualTo(11))
        .hasMessage("line 11: capture at line 5 has 5 of 16 GPU rows (GPU5..GPU15 missing) (input truncated?)");
  }
}
