package io.topogpu.benchmarks.fgd;

import io.topogpu.benchmarks.sim.ProgressBar;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * The grid workloads × policies × seeds of the FGD reproduction. Everything is loaded and validated before
 * the first run (unknown policy, missing or malformed trace → error up front); runs are independent and
 * executed on {@code threads} workers; results come back in grid order whatever the thread count.
 */
public final class FgdExperiment {
  /** Quick mode keeps every {@value}-th node (by name) and tunes to 1.3 × that smaller capacity. */
  public static final int QUICK_NODE_STRIDE = 8;

  /** What to run. */
  public record Config(Path tracesDir, List<String> workloads, List<String> policies, List<Long> seeds,
      double tune, boolean quick, int threads) {
    public Config {
      workloads = List.copyOf(workloads);
      policies = List.copyOf(policies);
      seeds = List.copyOf(seeds);
      if (workloads.isEmpty() || policies.isEmpty() || seeds.isEmpty()) {
        throw new IllegalArgumentException("need at least one workload, policy and seed");
      }
      if (!(tune > 0) || threads < 1) {
        throw new IllegalArgumentException("tune must be > 0 and threads ≥ 1");
      }
      policies.forEach(FgdPolicies::require);
      workloads.forEach(OpenbTraces::requireWorkload);
    }
  }

  private record RunSpec(String workload, String policy, long seed) {}

  private final Config config;
  private final List<GpuNodeSpec> nodes;
  private final Map<String, List<PodRequest>> traces = new LinkedHashMap<>();

  public FgdExperiment(Config config) {
    this.config = config;
    List<GpuNodeSpec> all = OpenbTraces.loadNodes(config.tracesDir());
    this.nodes = config.quick() ? quickSample(all) : all;
    for (String workload : config.workloads()) {
      traces.put(workload, OpenbTraces.loadPods(config.tracesDir(), workload));
    }
  }

  /** Every {@link #QUICK_NODE_STRIDE}-th node in name order. */
  static List<GpuNodeSpec> quickSample(List<GpuNodeSpec> nodes) {
    List<GpuNodeSpec> sorted = nodes.stream().sorted((a, b) -> a.sn().compareTo(b.sn())).toList();
    return IntStream.range(0, sorted.size()).filter(i -> i % QUICK_NODE_STRIDE == 0).mapToObj(sorted::get).toList();
  }

  public List<GpuNodeSpec> nodes() {
    return nodes;
  }

  /** Runs the grid; progress goes to {@code progressOut}. */
  public List<RunResult> run(PrintStream progressOut) {
    List<RunSpec> specs = new ArrayList<>();
    for (String w : config.workloads()) {
      for (String p : config.policies()) {
        for (long s : config.seeds()) {
          specs.add(new RunSpec(w, p, s));
        }
      }
    }
    FgdSimulator simulator = new FgdSimulator(nodes, config.tune());
    ProgressBar bar = new ProgressBar(progressOut, "runs", specs.size());
    ExecutorService pool = Executors.newFixedThreadPool(config.threads());
    try {
      List<Future<RunResult>> futures = new ArrayList<>();
      for (RunSpec spec : specs) {
        futures.add(pool.submit(() -> {
          RunResult r = simulator.run(spec.workload(), traces.get(spec.workload()), spec.policy(), spec.seed(), false);
          bar.step("%s/%s/%d unalloc@100=%.2f%%".formatted(r.workload(), r.policy(), r.seed(), r.unallocatedAt100()));
          return r;
        }));
      }
      List<RunResult> results = new ArrayList<>();
      for (Future<RunResult> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a run failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
