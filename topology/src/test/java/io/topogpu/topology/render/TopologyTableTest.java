package io.topogpu.topology.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.shapes.Shapes;
import io.topogpu.topology.testing.MakeTopology;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTableTest {

  @Test
  void dgxA100TableShowsTheSwitchedDomainNumaGroupsMatrixAndNics() {
    String table = TopologyTable.render(Shapes.load("dgx-a100-8gpu-nv12"));
    assertThat(table)
        .startsWith("8 GPUs, NVLink generation VOLTA_AMPERE, NVSwitch: yes")
        .contains("  0: GPUs 0,1,2,3,4,5,6,7 (8 GPUs, through NVSwitch)")
        .contains("  3: GPUs 6,7 (NUMA node 5)")
        .contains("GPU6   NV12*  NV12*  NV12*  NV12*  NV12*  NV12*  X      NV12*")
        .contains("  NIC4     mlx5_4     closest GPUs 4,5 (PXB)")
        .contains("Fabric: none");
  }

  @Test
  void pcieOnlyNodeSaysItHasNoNvlinkDomain() {
    String table = TopologyTable.render(MakeTopology.gpus(2).pcie(LinkKind.PHB).build());
    assertThat(table)
        .contains("  none (no GPU pair is joined by NVLink)")
        .contains("GPU0   X      PHB")
        .contains("  none listed");
  }

  @Test
  void gpuLinesSummariseModelHealthAndMig() {
    MigState mig = new MigState(true, 7, List.of(new MigInstance("3g.40gb", 0, 4, 0, "", 1)));
    String table = TopologyTable.render(
        MakeTopology.gpus(2).model("NVIDIA A100-SXM4-80GB").nvlinkPair(0, 1, 12).mig(1, mig).unhealthy(0).build());
    assertThat(table).contains("0    NVIDIA A100-SXM4-80GB    -     -                  UNHEALTHY off")
        .contains("1    NVIDIA A100-SXM4-80GB    -     -                  HEALTHY   on, 7 slices: 3g.40gb@0:4");
  }
}
