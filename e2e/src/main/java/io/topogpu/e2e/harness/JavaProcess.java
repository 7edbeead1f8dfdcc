package io.topogpu.e2e.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A topogpu command (extender, agent) in a child JVM on this JVM's class path. */
final class JavaProcess {
  private JavaProcess() {}

  static ManagedProcess start(String name, String mainClass, List<String> args, Map<String, String> env,
      Path log, String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return ManagedProcess.start(name, cmd, env, log);
  }
}
