package io.topogpu.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code loadbench} end to end on a tiny cluster, and the start-up checks of it and {@code jmh}. */
class LoadBenchCommandTest {

  @TempDir
  Path out;

  private int run(StringWriter err, String... args) {
    CommandLine cli = BenchMain.commandLine();
    cli.setErr(new PrintWriter(err, true));
    cli.setOut(new PrintWriter(new StringWriter(), true));
    return cli.execute(args);
  }

  @Test
  void a_tiny_run_writes_the_tables_the_chart_and_the_footprint_snapshot() throws Exception {
    int rc = run(new StringWriter(), "loadbench", "--nodes", "30", "--pods", "6", "--warmup", "2", "--runs", "1",
        "--mode", "names", "--footprint", "20", "--footprint-pods", "60", "--out", out.toString());
    assertThat(rc).isZero();
    assertThat(Files.readAllLines(out.resolve("load.csv"))).hasSize(1 + 2 * 4);
    assertThat(Files.readString(out.resolve("load.md"))).contains("| 30 | names | filter+prioritize |");
    assertThat(out.resolve("load-p99.png")).isNotEmptyFile();
    assertThat(out.resolve("snapshot-20.json")).isNotEmptyFile();
  }

  @Test
  void an_unknown_mode_stops_before_running() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "loadbench", "--mode", "all", "--out", out.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("mode: expected names, full, sampled or both, got 'all'");
    assertThat(out.resolve("load.csv")).doesNotExist();
  }

  @Test
  void jmh_rejects_zero_measurement_iterations() {
    StringWriter err = new StringWriter();
    assertThat(run(err, "jmh", "-i", "0")).isEqualTo(1);
    assertThat(err.toString()).contains("-i/-w/-r >= 1", "-i 0");
  }
}
