package io.topogpu.nodeagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.shapes.Shapes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProbeCommandTest {
  @TempDir
  Path dir;

  /** One run of {@code topogpu ARGS}: exit code and what it printed. */
  private record Run(int exit, String out, String err) {}

  private static Run topogpu(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = NodeAgentMain.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private Path shape(String name) throws IOException {
    return file(name + ".txt", Shapes.text(name));
  }

  @Test
  void tableIsTheDefaultAndParserWarningsGoToStderr() throws IOException {
    Path capture = shape("dgx-a100-8gpu-nv12");
    Run run = topogpu("probe", "--from-topo", capture.toString());
    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("8 GPUs").contains("0: GPUs 0,1,2,3,4,5,6,7 (8 GPUs, through NVSwitch)");
    assertThat(run.err()).isEqualTo("topogpu probe: " + capture + ": warning: capture at line 6 is truncated at line 13"
        + " (row GPU6 has 2 cells, expected 18 = 8 GPU + 10 NIC columns); skipped for the capture at line 21\n");
  }

  @Test
  void jsonIsTheModelWithItsDerivedViews() throws IOException {
    Run run = topogpu("probe", "--from-topo", shape("l40s-8gpu-pcie-node-sys").toString(), "--format", "json");
    assertThat(run.exit()).isZero();
    var json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("gpuCount").asInt()).isEqualTo(8);
    assertThat(json.get("nvlinkDomains")).isEmpty();
    assertThat(json.get("numaGroups")).hasSize(2);
  }

  @Test
  void annotationPrintsExactlyTheEncodedValue() throws IOException {
    Run run = topogpu("probe", "--from-topo", shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").toString(),
        "--format", "annotation");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo(TopologyCodec.encode(Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs")) + "\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void emptyFileIsBadInputWithAOneLineMessage() throws IOException {
    Path empty = file("empty.txt", "");
    Run run = topogpu("probe", "--from-topo", empty.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("topogpu probe: " + empty + ": empty input: expected nvidia-smi topo -m output\n");
  }

  @Test
  void fileWithoutAMatrixIsBadInput() throws IOException {
    Path mig = shape("mig-lgipp-a100-h100-7slice");
    Run run = topogpu("probe", "--from-topo", mig.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("topogpu probe: " + mig
        + ": no nvidia-smi topo -m matrix found: expected a header line of columns starting with GPU0\n");
  }

  @Test
  void rowWithTooFewCellsIsBadInputNamingTheLine() throws IOException {
    Path cut = file("cut.txt", "        GPU0    GPU1    CPU Affinity\nGPU0     X      NV2     0-7\nGPU1    NV2\n");
    Run run = topogpu("probe", "--from-topo", cut.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("topogpu probe: " + cut + ": line 3: row GPU1 has 1 cells, expected 2 GPU columns (input truncated?)\n");
  }

  @Test
  void truncatedDgx2CaptureIsBadInput() throws IOException {
    Run run = topogpu("probe", "--from-topo", shape("dgx2-v100-16gpu-nvswitch-nv6").toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains(": line 11: capture at line 5 has 5 of 16 GPU rows");
  }

  @Test
  void missingFileIsBadInput() {
    Path missing = dir.resolve("nope.txt");
    Run run = topogpu("probe", "--from-topo", missing.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("topogpu probe: " + missing + ": no such file\n");
  }

  @Test
  void unknownFormatFailsBeforeAnythingRuns() throws IOException {
    Run run = topogpu("probe", "--from-topo", shape("hgx-h100-4gpu-nv6").toString(), "--format", "xml");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Invalid value for option '--format'").contains("xml");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void atMostOneSourceIsAccepted() {
    assertThat(topogpu("probe", "--from-topo", "a", "--nvml-lib", "b").exit()).isEqualTo(2);
  }

  @Test
  void helpListsTheProbeCommand() {
    Run run = topogpu("--help");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("probe");
  }

  @Test
  void withoutASourceProbeUsesTheDriversLibraryAndSaysSoWhenThereIsNone() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        Files.exists(Path.of("/dev/nvidiactl")), "this machine has an NVIDIA driver");
    Run run = topogpu("probe");
    assertThat(run.exit()).isEqualTo(ProbeCommand.EXIT_NVML_UNAVAILABLE);
    assertThat(run.err()).startsWith("topogpu probe: NVML unavailable: ").contains("libnvidia-ml.so.1");
    assertThat(run.err().lines()).hasSize(1);
  }
}
