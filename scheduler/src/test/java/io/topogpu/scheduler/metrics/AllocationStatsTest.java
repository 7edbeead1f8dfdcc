package io.topogpu.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.testing.MakeNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocationStatsTest {
  /**
   * Azure NC A100 v4 (NVLink pairs 0-1 and 2-3, SYS across) with one pod on GPUs 1 and 2; a DGX
   * A100 (one NVSwitch domain of 8) with one pod on GPUs 0-2 and a share on GPU 3.
   */
  private static List<NodeState> cluster() {
    NodeState azure = MakeNode.named("azure").shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").state()
        .with("ml/a", Assignment.whole("azure", List.of(1, 2), List.of("", "")));
    NodeState dgx = MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").share(3, 250).state()
        .with("ml/b", Assignment.whole("dgx", List.of(0, 1, 2), List.of("", "", "")));
    return List.of(azure, dgx);
  }

  @Test
  void countsGpusPerNodeAndByTheLinkClassOfEachPodsGpus() {
    AllocationStats s = AllocationStats.of(cluster());

    assertThat(s.nodeGpus().get("azure")).containsExactly(2, 2);
    assertThat(s.nodeGpus().get("dgx")).containsExactly(4, 4);
    // GPUs 1-2 of the Azure node meet only over SYS; the DGX pod's GPUs go through the NVSwitch.
    assertThat(s.gpusByLinkClass()).isEqualTo(Map.of("sys", 2L, "nvswitch", 3L, "share", 1L));
  }

  @Test
  void fragmentationIsTheShareOfFreeGpusOutsideTheirNodesLargestFreeNvlinkGroup() {
    // Free: Azure 0 and 3 (one in each pair: largest group 1), DGX 4-7 (one domain: 4).
    // 1 - (1 + 4) / (2 + 4) = 1/6.
    assertThat(AllocationStats.of(cluster()).fragmentation()).isCloseTo(1.0 / 6, within(1e-12));
  }

  @Test
  void nothingFreeIsNoFragmentation() {
    NodeState full = MakeNode.named("n").shape("dgx-a100-8gpu-nv12").busy(0, 1, 2, 3, 4, 5, 6, 7).state();
    AllocationStats s = AllocationStats.of(List.of(full));
    assertThat(s.fragmentation()).isZero();
    assertThat(s.gpusByLinkClass()).isEqualTo(Map.of("single", 8L));
  }
}
