package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.benchmarks.sim.TraceFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inventories become node mixes, mixes scale to a cluster size, and nodes take real racks from the network map. */
class ClusterProfilesTest {
  @TempDir
  Path dir;

  @Test
  void spotInventoryMapsModelsToShapesAndLeavesOutOneGpuNodes() throws IOException {
    ClusterProfiles.Mix mix = ClusterProfiles.spot(file("gpu_model,gpu_capacity_num,cpu_num,node_name",
        "A100-SXM4-80GB,8,128,a", "A800-SXM4-80GB,8,128,b", "H800,8,192,c", "A10,1,32,d", "GPU-series-1,4,96,e"));
    assertThat(mix.machines()).containsEntry(ClusterProfiles.DGX_A100, 2).containsEntry(ClusterProfiles.HGX_H100, 1)
        .containsEntry(ClusterProfiles.NV_PAIRS_4, 1).containsEntry(ClusterProfiles.PCIE_8, 0);
    assertThat(mix.leftOut()).isEqualTo(1);
  }

  @Test
  void unmappedInventoryRowNamesFileLineAndValue() throws IOException {
    Path f = file("gpu_model,gpu_capacity_num,cpu_num,node_name", "A100-SXM4-80GB,8,128,a", "B200,8,224,b");
    assertThatThrownBy(() -> ClusterProfiles.spot(f))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(f + ":3: column 'gpu_model' value 'B200 x8': no shape mapped");
  }

  @Test
  void scalingKeepsProportionsAndAtLeastOneOfEachShape() {
    ClusterProfiles.Mix mix = new ClusterProfiles.Mix("m", "f", Map.of("a", 30, "b", 1), 0);
    assertThat(ClusterProfiles.scale(mix, 4)).containsExactlyInAnyOrder("a", "a", "a", "b");
    assertThat(ClusterProfiles.scale(mix, 31)).filteredOn("b"::equals).hasSize(1);
  }

  @Test
  void hostsComeRackByRackInTurnFromEachSpine() throws IOException {
    // spine P1 has racks A (2 hosts) and B (1); spine P2 has rack C (2): order A, C, B
    NetworkMap map = NetworkMap.load(file("ip,DSW,PSW,ASW",
        "h1,D,P1,A", "h2,D,P1,A", "h3,D,P1,B", "h4,D,P2,C", "h5,D,P2,C"));
    assertThat(map.firstHosts(4)).extracting(NetworkMap.Host::ip).containsExactly("h1", "h2", "h4", "h5");
    assertThat(map.firstHosts(1).get(0)).isEqualTo(new NetworkMap.Host("h1", "P1-A", "P1", "D"));
    assertThatThrownBy(() -> map.firstHosts(6)).hasMessage("the network map has 5 hosts, asked for 6");
  }

  private Path file(String... lines) throws IOException {
    Path f = dir.resolve("inventory.csv");
    Files.write(f, List.of(lines));
    return f;
  }
}
