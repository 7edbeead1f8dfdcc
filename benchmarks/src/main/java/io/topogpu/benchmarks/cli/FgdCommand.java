package io.topogpu.benchmarks.cli;

import io.topogpu.benchmarks.fgd.FgdCharts;
import io.topogpu.benchmarks.fgd.FgdExperiment;
import io.topogpu.benchmarks.fgd.FgdPolicies;
import io.topogpu.benchmarks.fgd.FgdReport;
import io.topogpu.benchmarks.fgd.FgdSummary;
import io.topogpu.benchmarks.fgd.OpenbTraces;
import io.topogpu.benchmarks.fgd.PublishedResults;
import io.topogpu.benchmarks.fgd.RunResult;
import io.topogpu.benchmarks.sim.Seeds;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simulate fgd}: the FGD (ATC '23) protocol on the Alibaba openb traces, ours vs published.
 * Writes runs.csv, curves.csv, summary.csv, summary.md and PNG charts into {@code --out}.
 */
@Command(name = "fgd", mixinStandardHelpOptions = true,
    description = "Reproduce the FGD paper's openb table (unallocated GPU %% at 100%% arrived demand).")
final class FgdCommand implements Callable<Integer> {
  private static final String QUICK_SEEDS = "42";
  private static final String FULL_SEEDS = "42-51";
  /** The workload whose allocation curve is charted when it is part of the run (the paper's Fig. 9a). */
  private static final String CURVE_WORKLOAD = "default";

  @Option(names = "--traces", defaultValue = "benchmarks/traces",
      description = "Traces folder (default: ${DEFAULT-VALUE}).")
  Path traces;

  @Option(names = "--policies", split = ",",
      description = "Policies: random,dotprod,clustering,packing,bestfit,fgd (the default: the published six), "
          + "topogpu, topogpu-baseline, fgd-gpu-only.")
  List<String> policies;

  @Option(names = "--workloads", split = ",",
      description = "Workloads, e.g. default,cpu050 (default: all 17; --quick: default).")
  List<String> workloads;

  @Option(names = "--seeds",
      description = "Seeds, e.g. 42-51 or 42,43 (default: " + FULL_SEEDS + "; --quick: " + QUICK_SEEDS + ").")
  String seeds;

  @Option(names = "--tune", defaultValue = "1.3",
      description = "Arrived demand target, x cluster GPU capacity (default: ${DEFAULT-VALUE}).")
  double tune;

  @Option(names = "--out", defaultValue = "benchmarks/out/fgd", description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--threads", description = "Parallel runs (default: available processors).")
  Integer threads;

  @Option(names = "--quick", description = "Smoke test: every " + FgdExperiment.QUICK_NODE_STRIDE
      + "th node, one seed, the default trace.")
  boolean quick;

  @Override
  public Integer call() {
    List<String> ws = workloads != null ? workloads : quick ? List.of(CURVE_WORKLOAD) : OpenbTraces.WORKLOADS;
    FgdExperiment.Config config = new FgdExperiment.Config(traces, ws,
        policies != null ? policies : FgdPolicies.publishedNames(),
        Seeds.parse(seeds != null ? seeds : quick ? QUICK_SEEDS : FULL_SEEDS), tune, quick,
        threads != null ? threads : Runtime.getRuntime().availableProcessors());
    // quick mode simulates a sample of the cluster: its numbers are not comparable with the paper's
    PublishedResults published = quick ? PublishedResults.none() : PublishedResults.load(traces);
    FgdExperiment experiment = new FgdExperiment(config);
    System.err.printf("fgd: %d nodes, %d GPUs; %d workloads x %d policies x %d seeds on %d threads%n",
        experiment.nodes().size(), experiment.nodes().stream().mapToInt(n -> n.gpus()).sum(), ws.size(),
        config.policies().size(), config.seeds().size(), config.threads());
    long start = System.nanoTime();
    List<RunResult> results = experiment.run(System.err);
    List<FgdSummary> summary = FgdSummary.of(results, published);
    FgdReport.write(out, results, summary);
    String curveWorkload = ws.contains(CURVE_WORKLOAD) ? CURVE_WORKLOAD : ws.get(0);
    List<Path> charts = FgdCharts.write(out, results, summary, published, curveWorkload);
    System.out.println(FgdReport.markdownOf(summary));
    if (quick) {
      System.out.println("(quick mode: 1/" + FgdExperiment.QUICK_NODE_STRIDE
          + " of the nodes; not comparable with the published table)");
    }
    System.err.printf("fgd: %d runs in %.1f s; wrote %s/{runs,curves,summary}.csv, summary.md, %s%n",
        results.size(), (System.nanoTime() - start) / 1e9, out,
        Arrays.toString(charts.stream().map(p -> p.getFileName().toString()).toArray()));
    return 0;
  }
}
