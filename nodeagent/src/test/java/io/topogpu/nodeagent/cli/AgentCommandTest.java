package io.topogpu.nodeagent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Start-up validation of {@code topogpu agent}: bad settings exit 2 before anything is started. */
class AgentCommandTest {
  private record Run(int exit, String err) {}

  private static Run agent(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = NodeAgentMain.commandLine();
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "agent";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cl.execute(all), err.toString());
  }

  @Test
  @DisplayName("a blank node name is refused, naming NODE_NAME and --node-name")
  void blankNodeName() {
    assertThat(agent("--node-name", " ")).isEqualTo(new Run(2,
        "topogpu agent: no node name: set the NODE_NAME environment variable or --node-name\n"));
  }

  @Test
  @DisplayName("a non-positive interval is refused with its value")
  void badInterval() {
    assertThat(agent("--node-name", "n1", "--interval-seconds", "0"))
        .isEqualTo(new Run(2, "topogpu agent: --interval-seconds must be >= 1, got 0\n"));
  }

  @Test
  @DisplayName("a non-positive client rate limit is refused with its value")
  void badQps() {
    assertThat(agent("--node-name", "n1", "--qps", "-1"))
        .isEqualTo(new Run(2, "topogpu agent: --qps must be > 0, got -1.0\n"));
  }
}
