package io.topogpu.benchmarks.load;

import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP load benchmark: for each cluster size and node-list mode, {@code runs} times, start
 * every {@link Target} (topogpu and the no-op floor) in this JVM on loopback with ephemeral ports,
 * and drive each with the same warm-up and measured pod streams. The order of the targets
 * alternates between runs, so neither always runs on a hotter JVM. Results are medians over runs.
 *
 * <p>The cluster is generated once per size ({@link SyntheticCluster}, 70 % occupancy by default);
 * each run gives topogpu a fresh ledger rebuilt from the cluster's annotated pods and a fresh
 * GPU-set memo, so the warm-up pods are what warm it.
 */
public final class LoadBench {

  /**
   * @param sizes node counts
   * @param pods measured pods per run and target
   * @param warmup pods submitted first in each run and target, not measured
   * @param window how many decisions a bound pod runs before it departs (steady occupancy)
   */
  public record Config(List<Integer> sizes, List<NodeListMode> modes, int pods, int warmup, int runs,
      double occupancy, int window, long seed) {
    public Config {
      sizes = List.copyOf(sizes);
      modes = List.copyOf(modes);
      if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 1)) {
        throw new IllegalArgumentException("nodes: expected positive node counts, got " + sizes);
      }
      if (pods < 1) {
        throw new IllegalArgumentException("pods: must be at least 1, got " + pods);
      }
      if (warmup < 0) {
        throw new IllegalArgumentException("warmup: must be >= 0, got " + warmup);
      }
      if (runs < 1) {
        throw new IllegalArgumentException("runs: must be at least 1, got " + runs);
      }
      if (window < 1) {
        throw new IllegalArgumentException("window: must be at least 1, got " + window);
      }
    }
  }

  /** Median figures of one target at one size and mode, plus every run's raw result. */
  public record Cell(int nodes, NodeListMode mode, String target, double occupancy,
      Map<Verb, LatencySummary> latency, double decisionsPerSecond, List<DriveResult> runs) {}

  private final Config config;
  private final PrintStream progress;

  public LoadBench(Config config, PrintStream progress) {
    this.config = config;
    this.progress = progress;
  }

  public List<Cell> run() {
    List<Cell> cells = new ArrayList<>();
    for (int size : config.sizes()) {
      progress.printf("generating %,d nodes at %.0f %% occupancy...%n", size, 100 * config.occupancy());
      SyntheticCluster cluster = SyntheticCluster.generate(size, config.occupancy(), 0, config.seed());
      progress.printf("  %,d GPU pods hold %.1f %% of %,d GPUs%n", cluster.pods().size(),
          100 * cluster.occupancy(), cluster.capacityMilli() / 1000);
      List<String> names = cluster.nodes().stream().map(ClusterNode::name).toList();
      for (NodeListMode mode : config.modes()) {
        RequestBodies bodies = new RequestBodies(cluster.nodes(), mode);
        Map<String, List<DriveResult>> results = new LinkedHashMap<>();
        for (int r = 0; r < config.runs(); r++) {
          List<String> order = new ArrayList<>(Target.ALL.keySet());
          if (r % 2 == 1) {
            Collections.reverse(order);
          }
          for (String name : order) {
            Target target = Target.ALL.get(name).apply(cluster);
            DriveResult d = drive(target, cluster, names, bodies, size, mode, r);
            results.computeIfAbsent(name, k -> new ArrayList<>()).add(d);
          }
        }
        results.forEach((name, runs) -> cells.add(cell(size, mode, name, cluster.occupancy(), runs)));
      }
    }
    return cells;
  }

  private DriveResult drive(Target target, SyntheticCluster cluster, List<String> names,
      RequestBodies bodies, int size, NodeListMode mode, int run) {
    ExtenderServerOptions options = ExtenderServerOptions.defaults().withPort(0)
        .withShutdownGrace(Duration.ofSeconds(5));
    try (ExtenderServer server = ExtenderServer.start(target.backend(), options, new ExtenderMetrics())) {
      int sample = mode == NodeListMode.SAMPLED ? NodeListMode.feasibleNodesToFind(size) : size;
      LoadDriver driver = new LoadDriver(URI.create("http://" + options.host() + ":" + server.port()),
          bodies, names, sample, config.window(), target.arrived(), target.departed());
      String label = String.format("%,d nodes %s run %d/%d %s", size, mode.label(), run + 1, config.runs(), target.name());
      List<PodInfo> warm = PodStream.generate("warm" + run, config.warmup(), config.seed() + 1000 + run);
      driver.drive(warm, () -> {});
      List<PodInfo> measured = PodStream.generate("pod" + run, config.pods(), config.seed() + run);
      Progress p = new Progress(progress, label, measured.size());
      DriveResult d = driver.drive(measured, p::step);
      progress.printf("\r  %s: %.0f decisions/s, filter+prioritize p99 %.2f ms (%d bound, %d unschedulable)%n",
          label, d.decisionsPerSecond(), d.latency().get(Verb.FILTER_PRIORITIZE).getValueAtPercentile(99) / 1000.0,
          d.bound(), d.unschedulable());
      return d;
    }
  }

  private static Cell cell(int size, NodeListMode mode, String target, double occupancy, List<DriveResult> runs) {
    Map<Verb, LatencySummary> latency = new EnumMap<>(Verb.class);
    for (Verb v : Verb.values()) {
      latency.put(v, LatencySummary.median(runs.stream().map(d -> LatencySummary.of(d.latency().get(v))).toList()));
    }
    return new Cell(size, mode, target, occupancy, latency,
        LatencySummary.median(runs, DriveResult::decisionsPerSecond), runs);
  }

  /** A one-line progress counter on stderr, redrawn every 10 % of the pods. */
  private static final class Progress {
    private final PrintStream out;
    private final String label;
    private final int total;
    private int done;

    Progress(PrintStream out, String label, int total) {
      this.out = out;
      this.label = label;
      this.total = total;
    }

    void step() {
      done++;
      if (done == total || done % Math.max(1, total / 10) == 0) {
        out.printf("\r  %s: %d/%d pods", label, done, total);
      }
    }
  }
}
