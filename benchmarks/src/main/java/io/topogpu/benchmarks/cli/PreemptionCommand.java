package io.topogpu.benchmarks.cli;

import io.topogpu.benchmarks.sim.Seeds;
import io.topogpu.benchmarks.workload.GangTraces;
import io.topogpu.benchmarks.workload.PreemptionScenario;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simulate preemption}: two priority classes on a gang trace, no preemption vs
 * kube-scheduler's default per-pod preemption vs topogpu's; prints a Markdown table.
 */
@Command(name = "preemption", mixinStandardHelpOptions = true,
    description = "Two priority classes on a gang trace: waiting time of the high class and GPU-hours lost, "
        + "per preemption model.")
final class PreemptionCommand implements Callable<Integer> {
  @Option(names = "--trace", defaultValue = "helios", description = "Gang trace (default: ${DEFAULT-VALUE}).")
  String trace;

  @Option(names = "--traces", defaultValue = "benchmarks/traces", description = "Traces folder (default: ${DEFAULT-VALUE}).")
  Path traces;

  @Option(names = "--jobs", defaultValue = "400", description = "First N GPU jobs (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(names = "--nodes", defaultValue = "0", description = "Cluster size (default: from the offered load and --load).")
  int nodes;

  @Option(names = "--load", defaultValue = "1.0", description = "Offered load the cluster is sized for (default: ${DEFAULT-VALUE}).")
  double load;

  @Option(names = "--high-fraction", defaultValue = "0.25",
      description = "Probability that a job is of the high class (default: ${DEFAULT-VALUE}).")
  double highFraction;

  @Option(names = {"--seeds", "--seed"}, defaultValue = "1-3", description = "Seeds (default: ${DEFAULT-VALUE}).")
  String seeds;

  @Option(names = "--threads", description = "Parallel runs (default: available processors).")
  Integer threads;

  @Override
  public Integer call() {
    if (!GangTraces.names().contains(trace)) {
      throw new IllegalArgumentException("unknown trace '" + trace + "'; known traces: " + String.join(", ", GangTraces.names()));
    }
    long started = System.nanoTime();
    PreemptionScenario scenario = new PreemptionScenario(new PreemptionScenario.Config(traces, trace, jobs, nodes, load,
        Seeds.parse(seeds), highFraction, threads != null ? threads : Runtime.getRuntime().availableProcessors()));
    System.err.println("preemption " + trace + ": " + scenario.clusterLine());
    List<PreemptionScenario.Row> rows = scenario.run();
    System.out.println(PreemptionScenario.markdown(rows));
    System.err.printf("preemption %s: %d runs in %.1f s%n", trace, rows.size(), (System.nanoTime() - started) / 1e9);
    return 0;
  }
}
