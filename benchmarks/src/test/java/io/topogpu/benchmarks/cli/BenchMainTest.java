package io.topogpu.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code simulate fgd} end to end in quick mode, and its start-up checks. */
class BenchMainTest {

  @TempDir
  Path out;

  private int run(StringWriter err, String... args) {
    CommandLine cli = BenchMain.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }

  @Test
  void quick_mode_writes_csv_markdown_and_charts() throws IOException {
    int rc = run(new StringWriter(), "simulate", "fgd", "--quick", "--traces", "traces", "--policies", "bestfit,fgd",
        "--out", out.toString());
    assertThat(rc).isZero();
    List<String> runs = Files.readAllLines(out.resolve("runs.csv"));
    assertThat(runs).hasSize(3);
    assertThat(runs.get(1)).startsWith("default,bestfit,42,");
    assertThat(Files.readAllLines(out.resolve("summary.csv"))).hasSize(3);
    assertThat(Files.readString(out.resolve("summary.md"))).contains("| default |");
    assertThat(out.resolve("unallocated-default.png")).isNotEmptyFile();
    assertThat(out.resolve("allocation-curve-default.png")).isNotEmptyFile();
  }

  @Test
  void an_unknown_policy_stops_before_running_with_the_known_names() {
    StringWriter err = new StringWriter();
    int rc = run(err, "simulate", "fgd", "--traces", "traces", "--policies", "tetris", "--out", out.toString());
    assertThat(rc).isEqualTo(1);
    assertThat(err.toString()).contains("unknown policy 'tetris'", "bestfit");
    assertThat(out.resolve("runs.csv")).doesNotExist();
  }

  @Test
  void an_unknown_workload_is_rejected() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "simulate", "fgd", "--traces", "traces", "--workloads", "cpu999")).isEqualTo(1);
    assertThat(err.toString()).contains("unknown workload 'cpu999'");
  }
}
