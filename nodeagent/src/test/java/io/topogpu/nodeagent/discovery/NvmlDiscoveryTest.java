package io.topogpu.nodeagent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.nodeagent.nvml.Nvml;
import io.topogpu.nodeagent.nvml.NvmlException;
import io.topogpu.nodeagent.nvml.NvmlReturn;
import io.topogpu.topology.model.Fabric;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.NodeTopology;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NvmlDiscoveryTest {
  private static final int GPU = 0;
  private static final int SWITCH = 2;
  private static final int UNKNOWN = 0xFF;
  private static final String A = "00000000:18:00.0";
  private static final String B = "00000000:2A:00.0";
  private static final String C = "00000000:3A:00.0";

  @Test
  @DisplayName("direct links are counted per peer bus id; remote ids compare without the NVML domain width")
  void directLinks() {
    FakeNvml nvml = FakeNvml.withGpus(A, B, C)
        .links(0, 4, GPU, B).links(1, 4, GPU, "0000:18:00.0")
        .pcie(0, 2, 50).pcie(1, 2, 40);

    NodeTopology t = NvmlDiscovery.probe(nvml).topology();

    assertThat(t.link(0, 1)).isEqualTo(Link.nvlink(4));
    assertThat(t.link(0, 2)).isEqualTo(Link.pcie(LinkKind.SYS));
    assertThat(t.link(1, 2)).isEqualTo(Link.pcie(LinkKind.NODE));
    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 1));
  }

  @Test
  @DisplayName("links to unidentified remotes are invisible NVSwitches (VMs): one switched domain")
  void invisibleSwitches() {
    FakeNvml nvml = FakeNvml.withGpus(A, B, C)
        .links(0, 18, UNKNOWN, "").links(1, 18, UNKNOWN, "").links(2, 18, UNKNOWN, "");

    NodeTopology t = NvmlDiscovery.probe(nvml).topology();

    assertThat(t.link(0, 2)).isEqualTo(Link.nvswitch(18));
    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 1, 2));
  }

  @Test
  @DisplayName("GPUs on different switch fabrics are not NVLink peers")
  void separateSwitchFabrics() {
    FakeNvml nvml = FakeNvml.withGpus(A, B, C)
        .links(0, 6, SWITCH, "00000000:C4:00.0").links(1, 6, SWITCH, "00000000:C4:00.0")
        .links(2, 6, SWITCH, "00000000:D4:00.0")
        .pcie(0, 2, 50).pcie(1, 2, 50);

    NodeTopology t = NvmlDiscovery.probe(nvml).topology();

    assertThat(t.link(0, 1)).isEqualTo(Link.nvswitch(6));
    assertThat(t.link(1, 2)).isEqualTo(Link.pcie(LinkKind.SYS));
    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 1));
  }

  @Test
  @DisplayName("inactive links do not count; an old driver without the remote type still finds GPU peers by bus id")
  void inactiveLinksAndOldDriver() {
    FakeNvml nvml = FakeNvml.withGpus(A, B).withoutRemoteDeviceType()
        .links(0, 2, GPU, B).link(0, false, GPU, B)
        .links(1, 2, GPU, A).link(1, false, GPU, A);

    assertThat(NvmlDiscovery.probe(nvml).topology().link(0, 1)).isEqualTo(Link.nvlink(2));
  }

  @Test
  @DisplayName("no PCIe answer from NVML: SYS, with a note")
  void unknownPcie() {
    Probe p = NvmlDiscovery.probe(FakeNvml.withGpus(A, B));

    assertThat(p.topology().link(0, 1)).isEqualTo(Link.pcie(LinkKind.SYS));
    assertThat(p.notes()).contains("GPUs 0,1: no PCIe topology from NVML, assuming SYS");
  }

  @Test
  @DisplayName("fabric: published only when every attached GPU agrees; unfinished registration does not count")
  void fabricAgreement() {
    byte[] one = new byte[16];
    one[15] = 1;
    byte[] two = new byte[16];
    two[15] = 2;
    int done = Nvml.FabricInfo.STATE_COMPLETED;

    NodeTopology agreed = NvmlDiscovery.probe(FakeNvml.withGpus(A, B)
        .fabric(0, one, 7, done, NvmlReturn.SUCCESS).fabric(1, one, 7, done, NvmlReturn.SUCCESS)).topology();
    NodeTopology split = NvmlDiscovery.probe(FakeNvml.withGpus(A, B)
        .fabric(0, one, 7, done, NvmlReturn.SUCCESS).fabric(1, two, 7, done, NvmlReturn.SUCCESS)).topology();
    NodeTopology inProgress = NvmlDiscovery.probe(FakeNvml.withGpus(A, B)
        .fabric(0, one, 7, 2, NvmlReturn.SUCCESS)).topology();

    assertThat(agreed.fabric()).isEqualTo(new Fabric("00000000-0000-0000-0000-000000000001", 7));
    assertThat(split.fabric()).isNull();
    assertThat(inProgress.fabric()).isNull();
  }

  @Test
  @DisplayName("NUMA node from memory affinity; every init is matched by a shutdown, also on failure")
  void numaAndLifecycle() {
    FakeNvml nvml = FakeNvml.withGpus(A, B).numaNode(0, 0).numaNode(1, 3);

    NodeTopology t = NvmlDiscovery.probe(nvml).topology();

    assertThat(t.gpu(1).numaNode()).isEqualTo(3);
    assertThat(t.numaGroups()).containsExactly(List.of(0), List.of(1));
    assertThat(nvml.inits).isEqualTo(1);
    assertThat(nvml.closes).isEqualTo(1);
  }

  @Test
  @DisplayName("init failure propagates with its NVML code")
  void initFailure() {
    assertThatThrownBy(() -> NvmlDiscovery.probe(FakeNvml.withGpus(A).failingInit(NvmlReturn.NO_PERMISSION)))
        .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.NO_PERMISSION));
  }
}
