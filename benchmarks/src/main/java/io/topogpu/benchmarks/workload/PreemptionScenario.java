package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The preemption scenario: a gang trace window on the cluster {@link WorkloadExperiment} builds for
 * it, each job drawn high priority with probability {@code highFraction} (from the seed, the same
 * draw for every mode), run under every {@link PreemptionRun.Mode}. Reports, per mode and seed, the
 * high class's waiting time (submit to first start), GPU-hours of work lost to evictions, pods
 * evicted, and GPU-hours held idle (pods of broken gangs, pods of partly placed jobs).
 */
public final class PreemptionScenario {
  /** What to run. */
  public record Config(Path traces, String trace, int jobs, int nodes, double load, List<Long> seeds, double highFraction,
      int threads) {
    public Config {
      seeds = List.copyOf(seeds);
      if (!(highFraction > 0 && highFraction < 1)) {
        throw new IllegalArgumentException("highFraction: must be in (0, 1), got " + highFraction);
      }
    }
  }

  /** One (mode, seed) result, for the table. */
  public record Row(String mode, long seed, int highJobs, double highWaitMedianMin, double highWaitP90Min,
      double lowWaitMedianMin, double gpuHoursLost, int evictedPods, double idleGpuHours, int unfinished,
      int maxHoldersPerGpu) {}

  private final Config config;
  private final WorkloadExperiment cluster;

  public PreemptionScenario(Config config) {
    this.config = config;
    this.cluster = new WorkloadExperiment(new WorkloadExperiment.Config(config.traces(), config.trace(),
        config.jobs(), config.nodes(), config.load(), config.seeds(), WorkloadPolicies.DEFAULT_STARVATION_AFTER,
        List.of("topogpu-gang"), List.of(Variant.DEFAULT), 1));
  }

  public String clusterLine() {
    return cluster.trace().jobs().size() + " jobs on " + WorkloadReport.clusterLine(cluster.cluster());
  }

  public List<Row> run() {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, config.threads()));
    try {
      List<Future<PreemptionRun.Result>> futures = new ArrayList<>();
      for (long seed : config.seeds()) {
        boolean[] high = draw(cluster.trace().jobs().size(), seed, config.highFraction());
        for (PreemptionRun.Mode mode : PreemptionRun.Mode.values()) {
          futures.add(pool.submit(() -> new PreemptionRun(cluster.cluster(), cluster.trace().jobs(), high, mode,
              seed, new Placer(Policy.defaults())).execute()));
        }
      }
      List<Row> rows = new ArrayList<>();
      for (Future<PreemptionRun.Result> f : futures) {
        rows.add(row(f.get()));
      }
      return rows;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a preemption run failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Which jobs are high priority: each independently with probability {@code fraction}. */
  static boolean[] draw(int jobs, long seed, double fraction) {
    SplittableRandom r = new SplittableRandom(seed * 7919 + 18);
    boolean[] high = new boolean[jobs];
    for (int i = 0; i < jobs; i++) {
      high[i] = r.nextDouble() < fraction;
    }
    return high;
  }

  private static Row row(PreemptionRun.Result r) {
    return new Row(r.mode().label, r.seed(), r.highWaits().size(), quantile(r.highWaits(), 0.5) / 60,
        quantile(r.highWaits(), 0.9) / 60, quantile(r.lowWaits(), 0.5) / 60, r.gpuHoursLost(), r.evictedPods(),
        r.idleGpuHours(), r.unfinished(), r.maxHoldersPerGpu());
  }

  static double quantile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    double pos = q * (sorted.size() - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (pos - lo);
  }

  /** The rows as a Markdown table, then per mode the median and range over seeds. */
  public static String markdown(List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append("| mode | seed | high jobs | high wait median (min) | high wait p90 (min) | low wait median (min)"
        + " | GPU-hours lost | pods evicted | GPU-hours held idle | unfinished |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %d | %.1f | %d |%n",
          r.mode(), r.seed(), r.highJobs(), r.highWaitMedianMin(), r.highWaitP90Min(), r.lowWaitMedianMin(),
          r.gpuHoursLost(), r.evictedPods(), r.idleGpuHours(), r.unfinished()));
    }
    out.append("\n| mode (median [range] over seeds) | high wait median (min) | high wait p90 (min)"
        + " | GPU-hours lost | pods evicted | GPU-hours held idle |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (PreemptionRun.Mode m : PreemptionRun.Mode.values()) {
      List<Row> mine = rows.stream().filter(r -> r.mode().equals(m.label)).toList();
      out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", m.label,
          summary(mine.stream().map(Row::highWaitMedianMin).toList()),
          summary(mine.stream().map(Row::highWaitP90Min).toList()),
          summary(mine.stream().map(Row::gpuHoursLost).toList()),
          summary(mine.stream().map(r -> (double) r.evictedPods()).toList()),
          summary(mine.stream().map(Row::idleGpuHours).toList())));
    }
    return out.toString();
  }

  private static String summary(List<Double> v) {
    if (v.isEmpty()) {
      return "-";
    }
    double min = v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return String.format(Locale.ROOT, "%.1f [%.1f, %.1f]", quantile(v, 0.5), min, max);
  }
}
