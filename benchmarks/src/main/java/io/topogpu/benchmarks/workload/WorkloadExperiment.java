package io.topogpu.benchmarks.workload;

import io.topogpu.benchmarks.sim.ProgressBar;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One command's worth of runs: a trace window on a cluster built for it, every policy × every model
 * variant × every seed, in parallel. The seed draws each job's archetype (so every policy's slowdowns)
 * and kube-scheduler's random tie-breaks; the trace window and the cluster do not depend on it. Cluster size, unless given: the window's offered load Σ GPUs × duration / (last
 * submit − first submit), divided by the mix's mean GPUs per node × {@code load}, clamped to 8 ..
 * the network map's host count.
 */
public final class WorkloadExperiment {
  /**
   * What to run. {@code nodes} ≤ 0 means "size from the offered load"; {@code starvationAfter} is the
   * gang policies' hold threshold.
   */
  public record Config(Path traces, String trace, int jobs, int nodes, double load, List<Long> seeds,
      Duration starvationAfter, List<String> policies, List<Variant> variants, int threads) {
    public Config {
      seeds = List.copyOf(seeds);
      if (seeds.isEmpty()) {
        throw new IllegalArgumentException("seeds: give at least one seed");
      }
      if (seeds.stream().distinct().count() != seeds.size()) {
        throw new IllegalArgumentException("seeds: " + seeds + " repeats a seed");
      }
      if (starvationAfter.isNegative() || starvationAfter.isZero()) {
        throw new IllegalArgumentException("starvationAfter: must be positive, got " + starvationAfter);
      }
    }
  }

  /** One (variant, seed, policy) run and its metrics. */
  public record Outcome(Variant variant, long seed, RunResult run, WorkloadMetrics metrics) {}

  private final Config config;
  private final GangTrace trace;
  private final List<SimNode> cluster;
  private final ClusterProfiles.Mix mix;

  public WorkloadExperiment(Config config) {
    this.config = config;
    config.policies().forEach(WorkloadPolicies::require);
    GangTrace full = GangTraces.load(config.traces(), config.trace());
    this.trace = full.firstJobs(config.jobs());
    this.mix = ClusterProfiles.load(config.traces(), full.cluster());
    NetworkMap network = NetworkMap.load(config.traces().resolve("node-inventories/alibaba_lingjun_2023_topo.csv"));
    int n = config.nodes() > 0 ? config.nodes() : autoSize(trace, mix, config.load(), network.hosts());
    this.cluster = ClusterBuilder.build(ClusterProfiles.scale(mix, n), network);
  }

  static int autoSize(GangTrace trace, ClusterProfiles.Mix mix, double load, int maxNodes) {
    List<GangJob> jobs = trace.jobs();
    double span = jobs.isEmpty() ? 0 : jobs.get(jobs.size() - 1).submit() - jobs.get(0).submit();
    double gpuSeconds = jobs.stream().mapToDouble(j -> (double) j.gpus() * j.duration()).sum();
    int machines = mix.machines().values().stream().mapToInt(Integer::intValue).sum();
    double gpusPerNode = mix.machines().entrySet().stream()
        .mapToDouble(e -> (double) e.getValue() * io.topogpu.topology.shapes.Shapes.load(e.getKey()).gpuCount())
        .sum() / machines;
    int n = span <= 0 ? 0 : (int) Math.ceil(gpuSeconds / span / (gpusPerNode * load));
    int largestJob = jobs.stream().mapToInt(GangJob::gpus).max().orElse(1);
    int floor = (int) Math.ceil(2.0 * largestJob / gpusPerNode);
    return Math.min(maxNodes, Math.max(floor, n));
  }

  public GangTrace trace() {
    return trace;
  }

  public List<SimNode> cluster() {
    return cluster;
  }

  public ClusterProfiles.Mix mix() {
    return mix;
  }

  public List<Outcome> run(PrintStream progress) {
    ProgressBar bar = new ProgressBar(progress, "job arrivals",
        trace.jobs().size() * config.policies().size() * config.variants().size() * config.seeds().size());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, config.threads()));
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      List<WorkloadPolicies.Entry> policies = config.policies().stream().map(WorkloadPolicies::require).toList();
      for (Variant v : config.variants()) {
        WorkloadSimulator sim = new WorkloadSimulator(cluster, v.apply(LocalityModel.DEFAULT));
        for (long seed : config.seeds()) {
          for (WorkloadPolicies.Entry policy : policies) {
            String p = policy.name();
            String label = p + " / " + v.name() + " / seed " + seed;
            futures.add(pool.submit(() -> {
              RunResult r = sim.run(trace.jobs(), policy, seed, config.starvationAfter(), i -> bar.step(label));
              return new Outcome(v, seed, r, WorkloadMetrics.of(r));
            }));
          }
        }
      }
      List<Outcome> out = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
