package io.topogpu.scheduler.demo;

import ch.qos.logback.classic.Level;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Spec;

/** {@code topogpu demo}: see {@link Demo}. Exit 0 when every verb call was answered. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "A simulated GPU cluster of real node shapes, the extender on loopback, and a"
        + " stream of training jobs placed through its HTTP API as kube-scheduler would, then multi-node"
        + " gangs placed whole inside one network tier.")
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--seed", defaultValue = "42", description = "job stream seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--jobs", defaultValue = "200", description = "jobs to submit (default: ${DEFAULT-VALUE})")
  int jobs;

  /** The demo places and binds; no kubelet admits the pods, so no device is handed to a container. */
  static final String NO_KUBELET = "Note: this demo runs no kubelet. The devices listed are the ones topogpu chose and wrote"
      + " into topogpu.io/gpus; no container is started and nothing checks what a kubelet would hand it. The node agent's"
      + " device plugin is tested against a fake kubelet in nodeagent's DevicePluginIT, and against a real kubelet in the"
      + " end-to-end test e2e/.../DevicePluginE2EIT.";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Demo.Options options;
    try {
      options = new Demo.Options(seed, jobs);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      return 2;
    }
    quietLogs();
    DemoSummary summary = Demo.run(options, out);
    GangDemo.run(out);
    out.println(NO_KUBELET);
    return summary.failed() == 0 ? 0 : 1;
  }

  /** The demo's story is on stdout; the extender's start/stop lines would only interleave with it. */
  private static void quietLogs() {
    if (LoggerFactory.getLogger("io.topogpu") instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(Level.WARN);
    }
  }
}
