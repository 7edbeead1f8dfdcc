package io.topogpu.benchmarks.cli;

import io.topogpu.benchmarks.load.Footprint;
import io.topogpu.benchmarks.load.LoadBench;
import io.topogpu.benchmarks.load.LoadReport;
import io.topogpu.benchmarks.load.NodeListMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loadbench}: the extender's speed at scale against the no-op floor, then memory and
 * start-up on large snapshots. Progress on stderr; tables on stdout; files under {@code --out}.
 */
@Command(name = "loadbench", mixinStandardHelpOptions = true,
    description = "HTTP load on the extender (topogpu vs a no-op floor), memory and start-up at scale.")
final class LoadBenchCommand implements Callable<Integer> {
  @Option(names = "--nodes", split = ",", defaultValue = "1000,5000,10000",
      description = "cluster sizes (default: ${DEFAULT-VALUE})")
  List<Integer> nodes;

  @Option(names = "--pods", defaultValue = "2000", description = "measured pods per run and target (default: ${DEFAULT-VALUE})")
  int pods;

  @Option(names = "--warmup", defaultValue = "300", description = "unmeasured pods first (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--mode", defaultValue = "both",
      description = "names | full | both (names and full) | sampled (names, only as many as kube-scheduler's"
          + " default percentageOfNodesToScore finds) (default: ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--full-pods", description = "measured pods in full mode (default: --pods / 10: full bodies are MBs)")
  Integer fullPods;

  @Option(names = "--runs", defaultValue = "3", description = "runs; figures are medians (default: ${DEFAULT-VALUE})")
  int runs;

  @Option(names = "--occupancy", defaultValue = "0.7", description = "GPU capacity held (default: ${DEFAULT-VALUE})")
  double occupancy;

  @Option(names = "--window", defaultValue = "200",
      description = "decisions a bound pod runs before it departs (default: ${DEFAULT-VALUE})")
  int window;

  @Option(names = "--seed", defaultValue = "42", description = "cluster and pod stream seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--footprint", split = ",", defaultValue = "5000,10000",
      description = "sizes for memory and start-up; 0 to skip (default: ${DEFAULT-VALUE})")
  List<Integer> footprint;

  @Option(names = "--footprint-pods", defaultValue = "50000",
      description = "pods in the footprint snapshots (default: ${DEFAULT-VALUE})")
  int footprintPods;

  @Option(names = "--footprint-only", description = "skip the HTTP load, measure memory and start-up only")
  boolean footprintOnly;

  @Option(names = "--out", defaultValue = "benchmarks/out/load", description = "output folder (default: ${DEFAULT-VALUE})")
  Path out;

  @Override
  public Integer call() {
    List<LoadBench.Cell> cells = new ArrayList<>();
    for (NodeListMode m : footprintOnly ? List.<NodeListMode>of() : NodeListMode.parse(mode)) {
      int n = m == NodeListMode.FULL ? (fullPods != null ? fullPods : Math.max(1, pods / 10)) : pods;
      int w = m == NodeListMode.FULL ? Math.min(warmup, Math.max(1, n / 2)) : warmup;
      cells.addAll(new LoadBench(new LoadBench.Config(nodes, List.of(m), n, w, runs, occupancy, window, seed),
          System.err).run());
    }
    if (!cells.isEmpty()) {
      LoadReport.write(cells, out).forEach(p -> System.err.println("wrote " + p));
      System.out.print(LoadReport.markdown(cells));
    }
    List<Integer> sizes = footprint.stream().filter(s -> s > 0).toList();
    if (!sizes.isEmpty()) {
      System.out.println();
      System.out.println("| nodes | pods (GPU pods) | snapshot MB | start-up to /readyz, s | retained heap MB |");
      System.out.println("|---:|---:|---:|---:|---:|");
      for (int size : sizes) {
        System.err.printf("footprint: %,d nodes, %,d pods...%n", size, footprintPods);
        Footprint.Result r = Footprint.measure(size, footprintPods, occupancy, seed, out);
        System.out.printf(Locale.ROOT, "| %,d | %,d (%,d) | %.1f | %.2f | %.1f |%n", r.nodes(), r.pods(), r.gpuPods(),
            r.snapshotBytes() / 1e6, r.startupSeconds(), r.retainedHeapBytes() / 1e6);
      }
    }
    return 0;
  }
}
