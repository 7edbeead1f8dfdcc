package io.topogpu.benchmarks.cli;

import io.topogpu.benchmarks.sim.Seeds;
import io.topogpu.benchmarks.workload.GangTraces;
import io.topogpu.benchmarks.workload.Variant;
import io.topogpu.benchmarks.workload.WorkloadCharts;
import io.topogpu.benchmarks.workload.WorkloadExperiment;
import io.topogpu.benchmarks.workload.WorkloadPolicies;
import io.topogpu.benchmarks.workload.WorkloadReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simulate workload}: multi-pod training jobs of a gang trace on a cluster of real node shapes and the
 * Lingjun network map, every policy side by side. Writes summary.csv, jobs.csv, summary.md and PNG charts.
 */
@Command(name = "workload", mixinStandardHelpOptions = true,
    description = "Multi-pod training workloads (Philly, Helios, ITP) under kube-scheduler and topogpu policies.")
final class WorkloadCommand implements Callable<Integer> {
  static final int QUICK_JOBS = 150;

  @Option(names = "--trace", required = true, description = "Gang trace: philly, helios or itp-cluster01.")
  String trace;

  @Option(names = "--traces", defaultValue = "benchmarks/traces", description = "Traces folder (default: ${DEFAULT-VALUE}).")
  Path traces;

  @Option(names = "--jobs", description = "First N GPU jobs of the trace (default 2000; --quick: " + QUICK_JOBS + ").")
  Integer jobs;

  @Option(names = "--nodes", description = "Cluster size (default: from the window's offered load and --load).")
  Integer nodes;

  @Option(names = "--load", defaultValue = "0.9", description = "Target offered load when sizing the cluster (default: ${DEFAULT-VALUE}).")
  double load;

  @Option(names = {"--seeds", "--seed"}, defaultValue = "1",
      description = "Seeds, e.g. 1,2,3 or 1-3: job archetypes and kube-scheduler tie-breaks (default: ${DEFAULT-VALUE}).")
  String seeds;

  @Option(names = "--starvation-minutes",
      description = "Minutes a gang waits before topogpu-gang holds a domain for it (default: the extender's, 10).")
  Double starvationMinutes;

  @Option(names = "--policies", split = ",",
      description = "Policies (default: k8s-default,k8s-mostallocated,topogpu,topogpu-gang; diagnostics: "
          + "topogpu-gang-nohold, topogpu-nolink).")
  List<String> policies;

  @Option(names = "--no-sensitivity", description = "Only the default locality model (no halved/doubled factors).")
  boolean noSensitivity;

  @Option(names = "--out", defaultValue = "benchmarks/out/workload", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--threads", description = "Parallel runs (default: available processors).")
  Integer threads;

  @Option(names = "--quick", description = "Smoke test: the first " + QUICK_JOBS + " jobs, default model only.")
  boolean quick;

  @Override
  public Integer call() {
    if (!GangTraces.names().contains(trace)) {
      throw new IllegalArgumentException("unknown trace '" + trace + "'; known traces: " + String.join(", ", GangTraces.names()));
    }
    List<Variant> variants = quick || noSensitivity ? List.of(Variant.DEFAULT) : Variant.SENSITIVITY;
    if (starvationMinutes != null && !(starvationMinutes > 0)) {
      throw new IllegalArgumentException("--starvation-minutes: must be positive, got " + starvationMinutes);
    }
    Duration starvation = starvationMinutes == null ? WorkloadPolicies.DEFAULT_STARVATION_AFTER
        : Duration.ofMillis(Math.round(starvationMinutes * 60_000));
    WorkloadExperiment.Config config = new WorkloadExperiment.Config(traces, trace,
        jobs != null ? jobs : quick ? QUICK_JOBS : 2000, nodes != null ? nodes : 0, load, Seeds.parse(seeds),
        starvation, policies != null ? policies : WorkloadPolicies.MAIN, variants,
        threads != null ? threads : Runtime.getRuntime().availableProcessors());
    long started = System.nanoTime();
    WorkloadExperiment experiment = new WorkloadExperiment(config);
    System.err.printf("workload %s: %d GPU jobs (the whole trace also has %d CPU-only rows, not simulated); cluster %s%n", trace,
        experiment.trace().jobs().size(), experiment.trace().cpuOnlyRows(), WorkloadReport.clusterLine(experiment.cluster()));
    List<WorkloadExperiment.Outcome> outcomes = experiment.run(System.err);
    Path dir = out.resolve(trace);
    WorkloadReport.write(dir, trace, outcomes);
    List<Path> charts = WorkloadCharts.write(dir, trace, outcomes);
    System.out.println(WorkloadReport.markdown(outcomes));
    System.err.printf("workload %s: %d runs in %.1f s; wrote %s/{summary.csv,jobs.csv,summary.md} and %s%n", trace,
        outcomes.size(), (System.nanoTime() - started) / 1e9, dir,
        charts.stream().map(p -> p.getFileName().toString()).toList());
    return 0;
  }
}
