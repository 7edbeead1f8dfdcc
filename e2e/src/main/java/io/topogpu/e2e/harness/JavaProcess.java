package io.topogpu.e2e.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A topogpu command (extender, agent) in a child JVM on this JVM's class path. */
final class JavaProcess {
  /**
   * System property: extra JVM options for the extender's child JVM, split at spaces (to profile it,
   * e.g. {@code -XX:StartFlightRecording=filename=/tmp/extender.jfr,settings=profile}).
   */
  static final String EXTENDER_JVM_OPTIONS = "topogpu.e2e.extenderJvmOptions";

  private JavaProcess() {}

  /** The options of {@link #EXTENDER_JVM_OPTIONS}; none when it is unset or blank. */
  static List<String> extenderJvmOptions() {
    String value = System.getProperty(EXTENDER_JVM_OPTIONS, "").trim();
    return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
  }

  static ManagedProcess start(String name, String mainClass, List<String> args, Map<String, String> env,
      Path log, String heap) {
    return start(name, mainClass, List.of(), args, env, log, heap);
  }

  static ManagedProcess start(String name, String mainClass, List<String> jvmOptions, List<String> args,
      Map<String, String> env, Path log, String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return ManagedProcess.start(name, cmd, env, log);
  }
}
