package io.topogpu.nodeagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.nodeagent.nvml.FakeMachines;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.Fabric;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code topogpu probe --nvml-lib} through the real binding and the fake library. */
class ProbeNvmlIT {
  private record Run(int exit, String out, String err) {}

  private static Run probe(String machine, String... extra) {
    Path lib = FakeMachines.library();
    FakeMachines.serving(lib, FakeMachines.machine(machine));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = NodeAgentMain.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] args = new String[3 + extra.length];
    args[0] = "probe";
    args[1] = "--nvml-lib";
    args[2] = lib.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  @Test
  @DisplayName("prints the table of the fake HGX H100")
  void table() {
    Run run = probe("hgx-h100");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("8 GPUs, NVLink generation HOPPER, NVSwitch: yes")
        .contains("NVIDIA H100 80GB HBM3", "0: GPUs 0,1,2,3,4,5,6,7 (8 GPUs, through NVSwitch)");
    assertThat(run.err()).isEmpty();
  }

  @Test
  @DisplayName("--format annotation prints exactly what the agent publishes")
  void annotation() {
    Run run = probe("gb200-tray", "--format", "annotation");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(TopologyCodec.decode(run.out().trim()).fabric())
        .isEqualTo(new Fabric("7b968a6d-c8aa-45e1-9e07-e1e51be99c31", 1));
  }

  @Test
  @DisplayName("no driver: exit 3 and one clear line")
  void noDriver() {
    Run run = probe("no-driver");
    assertThat(run.exit()).isEqualTo(ProbeCommand.EXIT_NVML_UNAVAILABLE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("topogpu probe: NVML unavailable: nvmlInit_v2 failed: NVML_ERROR_DRIVER_NOT_LOADED (9)"
        + " (is the NVIDIA driver installed and this a GPU node?)\n");
  }
}
