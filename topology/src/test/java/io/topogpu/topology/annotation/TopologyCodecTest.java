package io.topogpu.topology.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.topogpu.topology.model.Fabric;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Health;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import io.topogpu.topology.testing.MakeTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TopologyCodecTest {

  /** A100 80GB PCIe with 3g.40gb at slices 0-3 and 1g.10gb at slice 6 (nvidia-smi mig -lgi). */
  private static final MigState A100_MIXED = new MigState(true, 7, List.of(
      new MigInstance("3g.40gb", 0, 4, 40192, "MIG-4f2b9c1e-5d6a-5e7f-8a9b-0c1d2e3f4a5b", 2),
      new MigInstance("1g.10gb", 6, 1, 9728, "MIG-7e3d1a2b-6c5d-5f4e-9b8a-1d2c3b4a5f6e", 13)));

  /** Two A100 PCIe cards joined by an NV12 bridge, one NIC beside them, MIG on the second. */
  private static NodeTopology documentedExample() {
    Gpu a = new Gpu(0, "GPU-5a7c1a4e-7d3b-4b6e-9f2a-0c1d2e3f4a5b", "NVIDIA A100 80GB PCIe", 81920,
        "00000000:17:00.0", 0, "0-31", Health.HEALTHY, MigState.DISABLED);
    Gpu b = new Gpu(1, "GPU-9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "NVIDIA A100 80GB PCIe", 81920,
        "00000000:65:00.0", 0, "0-31", Health.HEALTHY, A100_MIXED);
    NodeTopology links = MakeTopology.gpus(2).nvlinkPair(0, 1, 12).nic("NIC0", "mlx5_0", LinkKind.PIX, LinkKind.NODE).build();
    return links.withGpus(List.of(a, b));
  }

  /** Worked out by hand from docs/annotations.md: defaults left out, one row string per GPU. */
  private static final String DOCUMENTED_EXAMPLE = "{\"v\":1,\"gpus\":["
      + "{\"index\":0,\"uuid\":\"GPU-5a7c1a4e-7d3b-4b6e-9f2a-0c1d2e3f4a5b\",\"model\":\"NVIDIA A100 80GB PCIe\","
      + "\"memMiB\":81920,\"pci\":\"00000000:17:00.0\",\"numa\":0,\"cpus\":\"0-31\"},"
      + "{\"index\":1,\"uuid\":\"GPU-9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b\",\"model\":\"NVIDIA A100 80GB PCIe\","
      + "\"memMiB\":81920,\"pci\":\"00000000:65:00.0\",\"numa\":0,\"cpus\":\"0-31\","
      + "\"mig\":{\"enabled\":true,\"slices\":7,\"instances\":["
      + "[\"3g.40gb\",0,4,40192,\"MIG-4f2b9c1e-5d6a-5e7f-8a9b-0c1d2e3f4a5b\",2],"
      + "[\"1g.10gb\",6,1,9728,\"MIG-7e3d1a2b-6c5d-5f4e-9b8a-1d2c3b4a5f6e\",13]]}}],"
      + "\"links\":[\"X NV12\",\"NV12 X\"],"
      + "\"nics\":[{\"name\":\"NIC0\",\"device\":\"mlx5_0\",\"links\":\"PIX NODE\"}]}";

  @Test
  void theDocumentedExampleEncodesToExactlyTheDocumentedBytes() {
    assertThat(TopologyCodec.encode(documentedExample())).isEqualTo(DOCUMENTED_EXAMPLE);
    assertThat(TopologyCodec.decode(DOCUMENTED_EXAMPLE)).isEqualTo(documentedExample());
  }

  @Test
  void aNodeKnownOnlyByItsMatrixEncodesToTheBareMinimum() {
    NodeTopology pair = MakeTopology.gpus(2).pcie(LinkKind.PHB).build();

    assertThat(TopologyCodec.encode(pair)).isEqualTo("{\"v\":1,\"gpus\":[{\"index\":0},{\"index\":1}],\"links\":[\"X PHB\",\"PHB X\"]}");
  }

  @Test
  void theExamplesInDocsAnnotationsMdAreWhatTheCodecWrites() throws IOException {
    Path doc = Path.of("..", "docs", "annotations.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);

    assertThat(text).contains(DOCUMENTED_EXAMPLE);
    assertThat(text).contains(TopologyCodec.encode(Shapes.load("dgx-a100-8gpu-nv12")));
  }

  static Stream<Arguments> topologies() {
    return Stream.of(
        arguments(named("DGX A100: 8 GPUs, NV12 through NVSwitch, 4 NUMA nodes",
            MakeTopology.gpus(8).nvswitch(12).numa(3, 3, 1, 1, 7, 7, 5, 5).model("NVIDIA A100-SXM4-40GB").build())),
        arguments(named("Azure NC A100 v4: NV12 bridge pairs, SYS between pairs",
            MakeTopology.gpus(4).pcie(LinkKind.SYS).nvlinkPair(0, 1, 12).nvlinkPair(2, 3, 12).numa(0, 1, 2, 3).build())),
        arguments(named("L40S: PCIe only, NODE within a socket, two NICs",
            MakeTopology.gpus(4).pcie(LinkKind.SYS).link(0, 1, Link.pcie(LinkKind.NODE)).link(2, 3, Link.pcie(LinkKind.NODE))
                .nic("NIC0", "mlx5_0", LinkKind.PIX, LinkKind.NODE, LinkKind.SYS, LinkKind.SYS)
                .nic("mlx5_1", "", LinkKind.SYS, LinkKind.SYS, LinkKind.PXB, LinkKind.PHB).build())),
        arguments(named("MIG: mixed placements, on without instances, off with a slice count, unhealthy",
            MakeTopology.gpus(4).nvswitch(18)
                .mig(0, A100_MIXED)
                .mig(1, new MigState(true, 7, List.of()))
                .mig(2, new MigState(false, 7, List.of()))
                .unhealthy(3).build())),
        arguments(named("GB200 tray: NV18 through NVSwitch, member of a multi-node NVLink clique",
            MakeTopology.gpus(4).nvswitch(18).model("NVIDIA GB200")
                .fabric(new Fabric("1d5f1d3c-2a6b-4c8e-9f0a-7b6c5d4e3f2a", 32766)).build())),
        arguments(named("strings that need escaping", documentedExample().withGpus(List.of(
            new Gpu(0, "GPU-\"quoted\"", "model \\ with ✓ and \u2028", 1, "", -1, "0-3,8-11", Health.HEALTHY, MigState.DISABLED),
            Gpu.ofIndex(1))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("topologies")
  void roundTripsUnchanged(NodeTopology t) {
    assertThat(TopologyCodec.decode(TopologyCodec.encode(t))).isEqualTo(t);
  }

  @Test
  void everyShippedNodeShapeRoundTripsUnchanged() {
    for (String name : Shapes.names()) {
      NodeTopology t = Shapes.load(name);
      assertThat(TopologyCodec.decode(TopologyCodec.encode(t))).as(name).isEqualTo(t);
    }
  }

  /**
   * The size bound of the design: 16 GPUs, all through NVSwitch, every field known, 7 MIG
   * instances on every GPU, UUIDs of 40 characters, 8 NICs and a fabric. docs/annotations.md
   * states the measured size.
   */
  @Test
  void aSixteenGpuNodeWithSevenMigInstancesPerGpuStaysUnder16KiB() {
    List<Gpu> gpus = new ArrayList<>();
    for (int g = 0; g < 16; g++) {
      List<MigInstance> instances = new ArrayList<>();
      for (int s = 0; s < 7; s++) {
        instances.add(new MigInstance("1g.10gb", s, 1, 9728, uuid("MIG-", g * 7 + s), 7 + s));
      }
      gpus.add(new Gpu(g, uuid("GPU-", g), "NVIDIA A100-SXM4-80GB", 81920, String.format("00000000:%02X:00.0", 16 * g + 7),
          g / 4, (g / 4 * 32) + "-" + (g / 4 * 32 + 31) + "," + (128 + g / 4 * 32) + "-" + (159 + g / 4 * 32),
          Health.HEALTHY, new MigState(true, 7, instances)));
    }
    MakeTopology shape = MakeTopology.gpus(16).nvswitch(12).fabric(new Fabric(uuid("", 99), 7));
    for (int n = 0; n < 8; n++) {
      LinkKind[] perGpu = new LinkKind[16];
      for (int g = 0; g < 16; g++) {
        perGpu[g] = g / 2 == n ? LinkKind.PXB : g / 4 == n / 2 ? LinkKind.NODE : LinkKind.SYS;
      }
      shape.nic("NIC" + n, "mlx5_" + n, perGpu);
    }
    NodeTopology big = shape.build().withGpus(gpus);

    String value = TopologyCodec.encode(big);

    assertThat(value.getBytes(StandardCharsets.UTF_8).length).isLessThan(16 * 1024);
    assertThat(TopologyCodec.decode(value)).isEqualTo(big);
  }

  /** A 40-character UUID string ({@code GPU-} or {@code MIG-} and 36 characters) numbered {@code n}. */
  private static String uuid(String prefix, int n) {
    return prefix + String.format("%08x-1111-4222-8333-%012x", n, n * 7919L);
  }

  @Test
  void unknownFieldsAndExtraTupleElementsAreIgnored() {
    String withExtras = DOCUMENTED_EXAMPLE
        .replace("{\"v\":1,", "{\"v\":1,\"minorAddition\":{\"any\":[1,2]},")
        .replace("\"index\":0,", "\"index\":0,\"powerW\":400,")
        .replace("\"slices\":7,", "\"slices\":7,\"future\":null,")
        .replace(",13]", ",13,\"trailing\",{\"x\":1}]")
        .replace("\"device\":\"mlx5_0\",", "\"device\":\"mlx5_0\",\"speedGbps\":400,");

    assertThat(TopologyCodec.decode(withExtras)).isEqualTo(documentedExample());
  }

  @Test
  void aMigStateThatCouldNotBeReadTravelsWithItsReasonAndStaysUnplaceableForOlderReaders() {
    NodeTopology t = TopologyCodec.decode(
        "{\"v\":1,\"gpus\":[{\"index\":0},{\"index\":1}],\"links\":[\"X NV12\",\"NV12 X\"]}");
    String why = "refused by the driver: nvmlDeviceGetGpuInstances failed: NVML_ERROR_NO_PERMISSION (4)";
    NodeTopology withUnknown = new NodeTopology(
        List.of(t.gpu(0).withMig(MigState.unknown(why)), t.gpu(1)), t.links(), List.of(), null);

    String encoded = TopologyCodec.encode(withUnknown);

    assertThat(encoded).isEqualTo("{\"v\":1,\"gpus\":[{\"index\":0,\"mig\":{\"enabled\":true,\"unknown\":\""
        + why + "\"}},{\"index\":1}],\"links\":[\"X NV12\",\"NV12 X\"]}");
    NodeTopology back = TopologyCodec.decode(encoded);
    assertThat(back).isEqualTo(withUnknown);
    assertThat(back.gpu(0).mig().known()).isFalse();
    assertThat(back.gpu(0).mig().unknown()).isEqualTo(why);
    // A reader that predates the field sees a MIG GPU with no instances: nothing of it is placeable.
    assertThat(back.gpu(0).mig().enabled()).isTrue();
    assertThat(back.gpu(0).mig().instances()).isEmpty();
  }

  @Test
  void anUnknownMigStateWithInstancesIsRejected() {
    String value = "{\"v\":1,\"gpus\":[{\"index\":0,\"mig\":{\"enabled\":true,\"unknown\":\"refused\","
        + "\"instances\":[[\"1g.10gb\",0,1,9984,\"\",9]]}}],\"links\":[\"X\"]}";
    assertThatThrownBy(() -> TopologyCodec.decode(value))
        .hasMessageContaining("gpus[0].mig: an unknown mig state must be enabled with no slices or instances");
  }

  @Test
  void aFutureMajorVersionIsRejectedBeforeAnythingElseIsRead() {
    assertThatThrownBy(() -> TopologyCodec.decode("{\"v\":2,\"gpus\":\"shaped differently\"}"))
        .isInstanceOf(AnnotationException.class)
        .hasMessage("topogpu.io/topology: schema version 2 is not supported by this reader (supports 1.x)");
  }

  static Stream<Arguments> malformedValues() {
    String two = "{\"v\":1,\"gpus\":[{\"index\":0},{\"index\":1}],";
    String one = "{\"v\":1,\"gpus\":[{\"index\":0,";
    return Stream.of(
        arguments("empty", "", "the value is empty"),
        arguments("not JSON", "topology: dgx-a100",
            "not valid JSON: Unrecognized token 'topology': was expecting (JSON String, Number, Array, Object or token"
                + " 'null', 'true' or 'false') (line 1, column 1)"),
        arguments("cut short", "{\"v\":1,\"gpus\":[", "not valid JSON: Unexpected end-of-input: expected close marker for"
            + " Array (start marker at [line: 1, column: 15]) (line 1, column 16)"),
        arguments("duplicate key", "{\"v\":1,\"v\":1}", "not valid JSON: Duplicate field 'v' (line 1, column 11)"),
        arguments("not an object", "[1,2]", "expected a JSON object, got an array"),
        arguments("no version", "{\"gpus\":[],\"links\":[]}", "v: missing (the schema version; this reader supports 1.x)"),
        arguments("version as a string", "{\"v\":\"1.0\"}", "v: expected an integer schema version, got \"1.0\""),
        arguments("missing field", "{\"v\":1,\"gpus\":[{\"index\":0}]}", "links: missing"),
        arguments("missing gpu index", "{\"v\":1,\"gpus\":[{\"numa\":0}],\"links\":[\"X\"]}", "gpus[0].index: missing"),
        arguments("wrong type", one + "\"numa\":\"x\"}],\"links\":[\"X\"]}", "gpus[0].numa: expected an integer, got \"x\""),
        arguments("wrong type, fractional", one + "\"numa\":1.5}],\"links\":[\"X\"]}", "gpus[0].numa: expected an integer, got 1.5"),
        arguments("wrong type, number for a string", one + "\"cpus\":5}],\"links\":[\"X\"]}", "gpus[0].cpus: expected a string, got 5"),
        arguments("wrong type, array", "{\"v\":1,\"gpus\":{},\"links\":[]}", "gpus: expected an array, got an object"),
        arguments("out of range", one + "\"numa\":-2}],\"links\":[\"X\"]}", "gpus[0]: gpu 0 numaNode must be >= -1, got -2"),
        arguments("too large", one + "\"memMiB\":1,\"numa\":4294967296}],\"links\":[\"X\"]}",
            "gpus[0].numa: Numeric value (4294967296) out of range of int (-2147483648 - 2147483647)"),
        arguments("unknown health", one + "\"health\":\"degraded\"}],\"links\":[\"X\"]}",
            "gpus[0].health: expected one of healthy, unhealthy, got \"degraded\""),
        arguments("bad index", "{\"v\":1,\"gpus\":[{\"index\":0},{\"index\":2}],\"links\":[\"X SYS\",\"SYS X\"]}",
            "gpu at position 1 has index 2; indices must be 0..1"),
        arguments("matrix not square", two + "\"links\":[\"X SYS\",\"SYS\"]}", "links: link matrix row GPU1 has 1 cells, expected 2"),
        arguments("matrix rows for other gpus", two + "\"links\":[\"X\"]}", "link matrix has 1 rows for 2 gpus"),
        arguments("asymmetric", two + "\"links\":[\"X NV4\",\"SYS X\"]}",
            "links: link matrix is not symmetric: GPU0->GPU1 is NV4 but GPU1->GPU0 is SYS"),
        arguments("unknown link", two + "\"links\":[\"X NVLINK\",\"NVLINK X\"]}",
            "links[0][1]: expected NV<n>, NV<n>* or one of PIX, PXB, PHB, NODE, SYS, got \"NVLINK\""),
        arguments("no links", two + "\"links\":[\"X NV0\",\"NV0 X\"]}", "links[0][1]: an NVLink link needs at least one link, got 0"),
        arguments("diagonal not X", two + "\"links\":[\"SYS SYS\",\"SYS X\"]}", "links[0][0]: expected X on the diagonal, got \"SYS\""),
        arguments("X off the diagonal", two + "\"links\":[\"X X\",\"X X\"]}", "links[0][1]: X is allowed only on the diagonal"),
        arguments("overlapping MIG instances", one + "\"mig\":{\"enabled\":true,\"slices\":7,\"instances\":"
                + "[[\"3g.40gb\",0,4,0,\"\",-1],[\"2g.20gb\",2,2,0,\"\",-1]]}}],\"links\":[\"X\"]}",
            "gpus[0].mig: mig instances overlap: 3g.40gb@0:4 and 2g.20gb@2:2"),
        arguments("MIG instance past the slices", one + "\"mig\":{\"enabled\":true,\"slices\":4,\"instances\":"
                + "[[\"4g.40gb\",1,4,0,\"\",-1]]}}],\"links\":[\"X\"]}",
            "gpus[0].mig: mig instance 4g.40gb@1:4 ends past the GPU's 4 slices"),
        arguments("MIG tuple cut short", one + "\"mig\":{\"enabled\":true,\"instances\":[[\"1g.10gb\",0,1]]}}],\"links\":[\"X\"]}",
            "gpus[0].mig.instances[0][3]: missing memMiB"),
        arguments("MIG tuple element of the wrong type", one + "\"mig\":{\"enabled\":true,\"instances\":"
                + "[[\"1g.10gb\",0,\"1\",0,\"\",-1]]}}],\"links\":[\"X\"]}",
            "gpus[0].mig.instances[0][2]: expected an integer, got \"1\""),
        arguments("MIG instances while MIG is off", one + "\"mig\":{\"enabled\":false,\"instances\":"
                + "[[\"1g.10gb\",0,1,0,\"\",-1]]}}],\"links\":[\"X\"]}",
            "gpus[0].mig: mig instances listed while mig mode is disabled"),
        arguments("NIC links for other gpus", two + "\"links\":[\"X SYS\",\"SYS X\"],\"nics\":[{\"name\":\"NIC0\",\"links\":\"PIX\"}]}",
            "nic NIC0 has 1 gpu links for 2 gpus"),
        arguments("NIC link unknown", two + "\"links\":[\"X SYS\",\"SYS X\"],\"nics\":[{\"name\":\"NIC0\",\"links\":\"PIX NV4\"}]}",
            "nics[0].links[1]: expected one of NV, PIX, PXB, PHB, NODE, SYS, got \"NV4\""),
        arguments("fabric without clique", "{\"v\":1,\"gpus\":[],\"links\":[],\"fabric\":{\"clusterUuid\":\"c0ffee\"}}",
            "fabric.cliqueId: missing"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedValues")
  void malformedValuesAreRejectedWithAOneLineMessageNamingTheProblem(String malformation, String value, String message) {
    assertThatThrownBy(() -> TopologyCodec.decode(value))
        .isInstanceOf(AnnotationException.class)
        .hasMessage("topogpu.io/topology: " + message);
  }

  @Test
  void theExceptionCarriesThePathOfTheOffendingField() {
    assertThatThrownBy(() -> TopologyCodec.decode("{\"v\":1,\"gpus\":[{\"index\":0,\"numa\":\"x\"}],\"links\":[\"X\"]}"))
        .isInstanceOfSatisfying(AnnotationException.class, e -> assertThat(e.path()).isEqualTo("gpus[0].numa"));
  }
}
