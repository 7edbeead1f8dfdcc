package io.topogpu.topology.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeTopologyTest {

  private static NodeTopology bridgePairs() {
    // Azure NC A100 v4: NV12 bridges 0-1 and 2-3, SYS otherwise, one NUMA node per GPU.
    Link[][] m = new Link[4][4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        if (i != j) {
          m[i][j] = (i / 2 == j / 2) ? Link.nvlink(12) : Link.pcie(LinkKind.SYS);
        }
      }
    }
    List<Gpu> gpus = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      gpus.add(Gpu.ofIndex(i).withNuma(i, ""));
    }
    return new NodeTopology(gpus, LinkMatrix.of(m), List.of(), null);
  }

  @Test
  void bridgePairsFormTwoDirectNvlinkDomains() {
    NodeTopology t = bridgePairs();
    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 1), List.of(2, 3));
    assertThat(t.hasNvswitch()).isFalse();
    assertThat(t.numaGroups()).hasSize(4);
  }

  @Test
  void bandwidthIsLinkCountTimesPerLinkRateForNvlinkAndNominalForPcie() {
    NodeTopology t = bridgePairs();
    assertThat(t.bandwidth(0, 1)).isEqualTo(12 * 20.0);
    assertThat(t.bandwidth(0, 2)).isEqualTo(10.0);
  }

  @Test
  void asymmetricMatrixIsRejectedNamingBothCells() {
    Link[][] m = {{null, Link.nvlink(2)}, {Link.nvlink(1), null}};
    assertThatThrownBy(() -> LinkMatrix.of(m))
        .hasMessage("link matrix is not symmetric: GPU0->GPU1 is NV2 but GPU1->GPU0 is NV1");
  }

  @Test
  void linksOrderFromBestToWorst() {
    assertThat(List.of(Link.pcie(LinkKind.SYS), Link.nvlink(2), Link.pcie(LinkKind.PIX), Link.nvlink(12))
            .stream().sorted().map(Link::label).toList())
        .containsExactly("NV12", "NV2", "PIX", "SYS");
  }
}
