package io.topogpu.nodeagent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.nodeagent.nvml.FakeMachines;
import io.topogpu.nodeagent.nvml.FakeMachines.Machine;
import io.topogpu.nodeagent.nvml.JnaNvml;
import io.topogpu.nodeagent.nvml.NvmlException;
import io.topogpu.nodeagent.nvml.NvmlReturn;
import io.topogpu.topology.model.Fabric;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.parse.TopoMatrixParser;
import io.topogpu.topology.shapes.Shapes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real JNA binding against the fake libnvidia-ml.so.1. Expected structure comes from the same
 * machine's {@code topo -m} text through {@link TopoMatrixParser}; identity fields from the
 * machine file's {@code gpu} lines.
 */
class NvmlDiscoveryIT {

  private static Probe probe(Path lib, String machine) {
    return NvmlDiscovery.probe(FakeMachines.serving(lib, FakeMachines.machine(machine)));
  }

  @ParameterizedTest(name = "{0}: NVML discovery matches the topo -m capture")
  @ValueSource(strings = {"dgx-a100", "hgx-h100", "azure-a100-pcie-pairs", "l40s-8gpu", "gb200-tray", "a100-80gb-mig"})
  void discoveryMatchesTheCapture(String name) {
    Machine m = FakeMachines.machine(name);
    NodeTopology expected = TopoMatrixParser.parse(m.topo());

    NodeTopology actual = probe(FakeMachines.library(), name).topology();

    assertSameStructure(actual, expected);
    assertIdentityFromMachineFile(actual, m);
  }

  @ParameterizedTest(name = "{0}: the topo block is the shipped capture")
  @ValueSource(strings = {"dgx-a100", "hgx-h100", "azure-a100-pcie-pairs", "l40s-8gpu", "gb200-tray", "a100-80gb-mig",
      "dgx-a100-gpu3-nvlinks-down", "old-driver-dgx-a100"})
  void machineFilesServeTheShippedCaptures(String name) {
    Machine m = FakeMachines.machine(name);
    String shape = m.lines("shape").get(0).substring("shape ".length()).trim();
    assertThat(m.topo()).isEqualTo(Shapes.text(shape));
  }

  @Test
  @DisplayName("NVSwitch machines: every pair NV# through the switch, one domain of all GPUs")
  void switchFabricIsOneDomain() {
    NodeTopology dgx = probe(FakeMachines.library(), "dgx-a100").topology();
    assertThat(dgx.link(0, 7)).isEqualTo(Link.nvswitch(12));
    assertThat(dgx.nvlinkDomains()).containsExactly(List.of(0, 1, 2, 3, 4, 5, 6, 7));
    assertThat(dgx.domainSwitched(0)).isTrue();

    NodeTopology hgx = probe(FakeMachines.library(), "hgx-h100").topology();
    assertThat(hgx.link(3, 4)).isEqualTo(Link.nvswitch(18));
  }

  @Test
  @DisplayName("Azure NVLink bridge pairs: two direct NV12 domains, SYS between them")
  void bridgePairs() {
    NodeTopology t = probe(FakeMachines.library(), "azure-a100-pcie-pairs").topology();
    assertThat(t.link(0, 1)).isEqualTo(Link.nvlink(12));
    assertThat(t.link(1, 2)).isEqualTo(Link.pcie(LinkKind.SYS));
    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 1), List.of(2, 3));
    assertThat(t.gpus()).extracting(Gpu::numaNode).containsExactly(0, 1, 2, 3);
  }

  @Test
  @DisplayName("8x L40S: no NVLink (NOT_SUPPORTED is normal), NODE inside a socket, two NUMA groups")
  void pcieOnly() {
    NodeTopology t = probe(FakeMachines.library(), "l40s-8gpu").topology();
    assertThat(t.nvlinkDomains()).isEmpty();
    assertThat(t.link(0, 3)).isEqualTo(Link.pcie(LinkKind.NODE));
    assertThat(t.link(3, 4)).isEqualTo(Link.pcie(LinkKind.SYS));
    assertThat(t.numaGroups()).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7));
    assertThat(t.gpu(5).cpuAffinity()).isEqualTo("90-179");
  }

  @Test
  @DisplayName("GB200 tray: the clique every GPU reports becomes the node's fabric")
  void gb200Clique() {
    NodeTopology t = probe(FakeMachines.library(), "gb200-tray").topology();
    assertThat(t.fabric()).isEqualTo(new Fabric("7b968a6d-c8aa-45e1-9e07-e1e51be99c31", 1));
    assertThat(t.fabric().cliqueLabel()).isEqualTo("7b968a6d-c8aa-45e1-9e07-e1e51be99c31.1");
    assertThat(t.gpus()).extracting(Gpu::numaNode).containsExactly(0, 0, 1, 1);
  }

  @Test
  @DisplayName("A100 80GB MIG: instances with canonical names, placements, ids, memory and MIG UUIDs")
  void migMixedPlacements() {
    Machine m = FakeMachines.machine("a100-80gb-mig");
    NodeTopology t = probe(FakeMachines.library(), "a100-80gb-mig").topology();

    Gpu gpu0 = t.gpu(0);
    assertThat(gpu0.mig().enabled()).isTrue();
    assertThat(gpu0.mig().slices()).isEqualTo(8);
    assertThat(gpu0.mig().instances())
        .extracting(i -> i.profile() + "@" + i.start() + ":" + i.size() + " gi" + i.giId() + " " + i.memoryMiB())
        .containsExactly("2g.20gb@0:2 gi3 19968", "1g.10gb@2:1 gi9 9984", "1g.10gb@3:1 gi10 9984",
            "3g.40gb@4:4 gi2 40192");
    List<String> gpu0Uuids = m.lines("mig-gi 0").stream().map(l -> l.substring(l.indexOf("uuid=") + 5)).toList();
    assertThat(gpu0.mig().instances()).extracting(MigInstance::uuid).containsExactlyInAnyOrderElementsOf(gpu0Uuids);
    assertThat(t.gpu(1).mig().instances()).extracting(MigInstance::giId).containsExactly(5, 13, 14, 1);
    assertThat(t.gpu(2).mig().enabled()).isTrue();
    assertThat(t.gpu(2).mig().instances()).isEmpty();
    assertThat(t.gpu(3).mig().enabled()).isFalse();
  }

  @Test
  @DisplayName("MIG listing refused on GPU 0: that GPU's MIG is unknown with the reason, the rest is read as usual")
  void refusedMigReadLosesOnlyThatGpusMigState() {
    NodeTopology full = probe(FakeMachines.library(), "a100-80gb-mig").topology();

    Probe p = probe(FakeMachines.library(), "a100-80gb-mig-refused");
    NodeTopology t = p.topology();

    String why = "refused by the driver: nvmlDeviceGetMaxMigDeviceCount failed: NVML_ERROR_NO_PERMISSION (4)";
    assertThat(t.gpu(0).mig()).isEqualTo(MigState.unknown(why));
    assertThat(t.gpu(0).withMig(full.gpu(0).mig())).as("GPU 0 apart from MIG").isEqualTo(full.gpu(0));
    for (int g = 1; g < full.gpuCount(); g++) {
      assertThat(t.gpu(g)).as("GPU %d", g).isEqualTo(full.gpu(g));
    }
    assertThat(t.links()).isEqualTo(full.links());
    assertThat(p.notes()).contains("GPU 0: MIG state unknown, publishing the rest of the topology: " + why);

    NodeTopology published = TopologyCodec.decode(TopologyCodec.encode(t));
    assertThat(published).isEqualTo(t);
    assertThat(published.gpu(0).mig().unknown()).isEqualTo(why);
  }

  @Test
  @DisplayName("any other MIG failure still fails the probe: only a refusal is tolerated")
  void migFailuresOtherThanARefusalFailTheProbe(@TempDir Path dir) throws IOException {
    Machine refused = FakeMachines.machine("a100-80gb-mig-refused");
    Path file = dir.resolve("mig-unknown-error.machine");
    Files.writeString(file, refused.text().replace("mig-refuse 0 4", "mig-refuse 0 999"));
    Machine broken = new Machine("mig-unknown-error", file, Files.readString(file));

    assertThatThrownBy(() -> NvmlDiscovery.probe(FakeMachines.serving(FakeMachines.library(), broken)))
        .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.UNKNOWN));
  }

  @Test
  @DisplayName("a GPU answering GPU_IS_LOST is listed unhealthy (gpu-lost) and the probe goes on")
  void aLostGpuIsListedLost(@TempDir Path dir) throws IOException {
    Machine refused = FakeMachines.machine("a100-80gb-mig-refused");
    Path file = dir.resolve("gpu-lost.machine");
    Files.writeString(file, refused.text().replace("mig-refuse 0 4", "mig-refuse 0 15"));
    Machine lost = new Machine("gpu-lost", file, Files.readString(file));

    NodeTopology t = NvmlDiscovery.probe(FakeMachines.serving(FakeMachines.library(), lost)).topology();
    assertThat(t.gpu(0).healthy()).isFalse();
    assertThat(t.gpu(0).healthReason()).isEqualTo(NvmlDiscovery.LOST);
  }

  @Test
  @DisplayName("GPU3's NVLinks down: GPU3 leaves the switch domain, its pairs fall back to their PCIe class")
  void nvlinksDown() {
    Machine m = FakeMachines.machine("dgx-a100-gpu3-nvlinks-down");
    NodeTopology t = probe(FakeMachines.library(), m.name()).topology();

    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 1, 2, 4, 5, 6, 7));
    assertThat(t.nvlinkDomainOf(3)).isEqualTo(-1);
    assertThat(List.of(t.link(0, 3), t.link(1, 3), t.link(2, 3), t.link(3, 4), t.link(3, 7)))
        .containsExactly(Link.pcie(LinkKind.NODE), Link.pcie(LinkKind.NODE), Link.pcie(LinkKind.PXB),
            Link.pcie(LinkKind.SYS), Link.pcie(LinkKind.SYS));
    assertThat(t.link(0, 1)).isEqualTo(Link.nvswitch(12));
  }

  @Test
  @DisplayName("old driver without the newer entry points: same topology through the fallbacks")
  void oldDriver() {
    NodeTopology expected = TopoMatrixParser.parse(FakeMachines.machine("old-driver-dgx-a100").topo());
    Probe p = probe(FakeMachines.oldDriverLibrary(), "old-driver-dgx-a100");

    assertSameStructure(p.topology(), expected);
    assertThat(p.driverVersion()).isEqualTo("450.51.06");
    assertThat(p.topology().gpu(0).memoryMiB()).isEqualTo(40960);
    assertThat(p.topology().fabric()).isNull();
  }

  @Test
  @DisplayName("no driver: init fails with DRIVER_NOT_LOADED, naming the call")
  void noDriver() {
    JnaNvml nvml = FakeMachines.serving(FakeMachines.library(), FakeMachines.machine("no-driver"));
    assertThatThrownBy(() -> NvmlDiscovery.probe(nvml))
        .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.DRIVER_NOT_LOADED))
        .hasMessage("nvmlInit_v2 failed: NVML_ERROR_DRIVER_NOT_LOADED (9)");
  }

  @Test
  @DisplayName("no library at the path: LIBRARY_NOT_FOUND, naming the path")
  void noLibrary() {
    assertThatThrownBy(() -> NvmlDiscovery.probe(new JnaNvml("/nonexistent/libnvidia-ml.so.1")))
        .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.code()).isEqualTo(NvmlReturn.LIBRARY_NOT_FOUND))
        .hasMessageContaining("/nonexistent/libnvidia-ml.so.1");
  }

  private static void assertSameStructure(NodeTopology actual, NodeTopology expected) {
    assertThat(actual.links()).as("link matrix").isEqualTo(expected.links());
    assertThat(actual.nvlinkDomains()).as("NVLink domains").isEqualTo(expected.nvlinkDomains());
    assertThat(actual.numaGroups()).as("NUMA groups").isEqualTo(expected.numaGroups());
    assertThat(actual.gpus()).extracting(Gpu::numaNode).as("NUMA nodes")
        .isEqualTo(expected.gpus().stream().map(Gpu::numaNode).toList());
    assertThat(actual.gpus()).extracting(Gpu::cpuAffinity).as("CPU affinity")
        .isEqualTo(expected.gpus().stream().map(Gpu::cpuAffinity).toList());
  }

  private static void assertIdentityFromMachineFile(NodeTopology actual, Machine m) {
    List<String> gpuLines = m.lines("gpu");
    assertThat(actual.gpuCount()).isEqualTo(gpuLines.size());
    for (String line : gpuLines) {
      Gpu g = actual.gpu(Integer.parseInt(line.split(" ")[1]));
      assertThat(line).contains("bus=" + g.pciBusId() + " ", "uuid=" + g.uuid() + " ", "mem=" + g.memoryMiB() + " ")
          .endsWith("name=" + g.model());
    }
  }
}
