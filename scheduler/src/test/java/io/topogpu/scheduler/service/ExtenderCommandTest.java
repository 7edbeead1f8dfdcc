package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.cli.SchedulerMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code topogpu extender} refuses unusable input before serving anything, naming the file and field. */
class ExtenderCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = SchedulerMain.commandLine();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    return new Run(cli.execute(args), err.toString());
  }

  @Test
  @DisplayName("a snapshot that cannot be read: exit 2, the option and path named")
  void missingSnapshot() {
    Path missing = dir.resolve("nope.json");
    Run r = run("extender", "--snapshot", missing.toString(), "--port", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("--snapshot " + missing + ": cannot read");
  }

  @Test
  @DisplayName("a snapshot with a bad item: exit 2, the item and field named")
  void badSnapshot() throws Exception {
    Path file = dir.resolve("cluster.json");
    Files.writeString(file, "{\"items\":[{\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\"}}]}");
    Run r = run("extender", "--snapshot", file.toString(), "--port", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("cluster.json: items[0]: kind: expected Node or Pod, got 'Secret'");
  }

  @Test
  @DisplayName("a policy with an unknown preset: exit 2, the preset and the valid ones named")
  void badPolicy() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "preset: fastest\n");
    Run r = run("extender", "--snapshot", dir.resolve("unused.json").toString(), "--config", policy.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("preset: unknown preset 'fastest'");
  }

  @Test
  @DisplayName("a gang bind timeout not below kube-scheduler's httpTimeout: exit 2 before serving, both named")
  void gangTimeoutAboveHttpTimeout() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "gangs:\n  bindTimeoutSeconds: 60\n  extenderHttpTimeoutSeconds: 60\n");
    Run r = run("extender", "--snapshot", dir.resolve("unused.json").toString(), "--config", policy.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("policy.yaml: gangs.bindTimeoutSeconds: 60").contains("extenderHttpTimeoutSeconds 60");
  }

  @Test
  @DisplayName("an unknown network tier in the gang section: exit 2, the valid tiers listed")
  void unknownTier() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, "gangs:\n  tiers: [rack]\n");
    Run r = run("extender", "--snapshot", dir.resolve("unused.json").toString(), "--config", policy.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("gangs.tiers: unknown network tier 'rack'; valid tiers: clique");
  }

  @Test
  @DisplayName("an unknown log format is a usage error naming the valid ones")
  void badLogFormat() {
    Run r = run("extender", "--log-format", "xml");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--log-format").contains("plain, json");
  }
}
