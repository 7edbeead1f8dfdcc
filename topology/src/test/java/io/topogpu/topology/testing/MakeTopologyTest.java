package io.topogpu.topology.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.model.NvlinkGeneration;
import io.topogpu.topology.shapes.Shapes;
import java.util.List;
import org.junit.jupiter.api.Test;

class MakeTopologyTest {

  @Test
  void switchedEightGpuNodeEqualsTheParsedDgxA100MatrixAndNumaLayout() {
    NodeTopology built = MakeTopology.gpus(8).nvswitch(12).numa(3, 3, 1, 1, 7, 7, 5, 5).build();
    NodeTopology parsed = Shapes.load("dgx-a100-8gpu-nv12");
    assertThat(built.links()).isEqualTo(parsed.links());
    assertThat(built.numaGroups()).isEqualTo(parsed.numaGroups());
  }

  @Test
  void bridgePairsOverSysBackground() {
    NodeTopology t = MakeTopology.gpus(4).pcie(LinkKind.SYS).nvlinkPair(0, 1, 12).nvlinkPair(2, 3, 12).build();
    assertThat(t.links()).isEqualTo(Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").links());
  }

  @Test
  void backgroundNeverOverridesAnNvlinkWhateverTheCallOrder() {
    NodeTopology t = MakeTopology.gpus(3).nvlinkPair(0, 2, 4).pcie(LinkKind.PHB).build();
    assertThat(t.link(2, 0)).isEqualTo(Link.nvlink(4));
    assertThat(t.link(0, 1)).isEqualTo(Link.pcie(LinkKind.PHB));
  }

  @Test
  void modelPicksTheNvlinkGenerationAndNicsCarryTheirLinks() {
    NodeTopology t = MakeTopology.gpus(2).model("NVIDIA H100 80GB HBM3")
        .nic("NIC0", "mlx5_0", LinkKind.PIX, LinkKind.SYS).build();
    assertThat(t.generation()).isEqualTo(NvlinkGeneration.HOPPER);
    assertThat(t.nics().get(0).gpuLinks()).isEqualTo(List.of(LinkKind.PIX, LinkKind.SYS));
  }
}
