package io.topogpu.image;

import io.topogpu.nodeagent.cli.NodeAgentMain;
import io.topogpu.scheduler.cli.SchedulerMain;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The container image's entrypoint: {@code topogpu COMMAND [ARGS...]}. Dispatches on the first
 * argument to the main class of the module that implements the command, as {@code bin/topogpu}
 * does on a checkout, so one image serves the node agent DaemonSet ({@code agent}) and the
 * scheduler Deployment ({@code extender}). The main class gets the whole argument list, command
 * first. Exit status 2 for a missing or unknown command.
 */
public final class TopogpuMain {
  /** Command → the class whose {@code main(String[])} runs it. */
  static final Map<String, Class<?>> COMMANDS = new TreeMap<>(Map.of(
      "agent", NodeAgentMain.class,
      "probe", NodeAgentMain.class,
      "extender", SchedulerMain.class,
      "place", SchedulerMain.class,
      "demo", SchedulerMain.class));

  static final int EXIT_USAGE = 2;

  private TopogpuMain() {}

  public static void main(String[] args) throws ReflectiveOperationException {
    Class<?> target = args.length == 0 ? null : COMMANDS.get(args[0]);
    if (target == null) {
      System.err.println((args.length == 0 ? "topogpu: missing command" : "topogpu: unknown command '" + args[0] + "'")
          + "; one of " + String.join(", ", COMMANDS.keySet()) + " (topogpu COMMAND --help for its options)");
      System.exit(EXIT_USAGE);
      return;
    }
    try {
      target.getMethod("main", String[].class).invoke(null, (Object) args.clone());
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }
}
