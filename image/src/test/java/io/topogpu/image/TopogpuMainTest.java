package io.topogpu.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The image's entrypoint routes the same commands to the same modules as bin/topogpu. */
class TopogpuMainTest {
  @Test
  void routesEveryNodeAndSchedulerCommandOfTheLauncher() throws IOException {
    String launcher = Files.readString(Path.of("../bin/topogpu"));
    Map<String, String> expected = new TreeMap<>();
    Matcher m = Pattern.compile("^\\s+([a-z |]+)\\) echo \"(nodeagent|scheduler) (\\S+)\" ;;$", Pattern.MULTILINE)
        .matcher(launcher);
    while (m.find()) {
      for (String command : m.group(1).split("\\|")) {
        expected.put(command.trim(), m.group(3));
      }
    }
    assertThat(expected).containsKeys("agent", "extender");

    Map<String, String> actual = new TreeMap<>();
    TopogpuMain.COMMANDS.forEach((command, main) -> actual.put(command, main.getName()));
    assertThat(actual).isEqualTo(expected);
  }
}
