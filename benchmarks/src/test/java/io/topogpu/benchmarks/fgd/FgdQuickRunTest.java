package io.topogpu.benchmarks.fgd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CI smoke test: quick mode (every 8th node, the default trace, one seed) for every policy (the published six and topogpu's two), checked
 * against invariants recomputed independently from the list of placements.
 */
class FgdQuickRunTest {
  private static final Path TRACES = Path.of("traces");
  private static List<GpuNodeSpec> nodes;
  private static List<PodRequest> trace;
  private static List<RunResult> results;

  @BeforeAll
  static void runQuickGrid() {
    FgdExperiment experiment = new FgdExperiment(new FgdExperiment.Config(TRACES, List.of("default"),
        FgdPolicies.names(), List.of(42L), 1.3, true, 2));
    nodes = experiment.nodes();
    trace = OpenbTraces.loadPods(TRACES, "default");
    FgdSimulator simulator = new FgdSimulator(nodes, 1.3);
    results = FgdPolicies.names().stream().map(p -> simulator.run("default", trace, p, 42, true)).toList();
  }

  @Test
  void quick_mode_keeps_every_eighth_node() {
    assertThat(nodes).hasSize((1213 + 7) / 8);
  }

  @Test
  void every_arrival_is_either_placed_or_failed() {
    for (RunResult r : results) {
      assertThat(r.placed() + r.failed()).as(r.policy()).isEqualTo(r.arrivals());
      assertThat(r.placements()).as(r.policy()).hasSize(r.placed());
      assertThat(r.placed()).as(r.policy()).isPositive();
    }
  }

  @Test
  void the_arrivals_were_tuned_to_1_3_times_the_smaller_capacity() {
    long capacity = nodes.stream().mapToLong(GpuNodeSpec::gpus).sum() * 1000;
    // default asks for far more than 1.3 × 1/8 of the cluster, so random pods were removed down to ≤ target
    assertThat(results.get(0).arrivals()).isLessThan(trace.size());
    assertThat(results.get(0).curves().allocation()[130]).isNotNaN();
    assertThat(capacity).isEqualTo(results.get(0).totalGpus() * 1000L);
  }

  @Test
  void no_gpu_cpu_or_memory_is_over_allocated() {
    Map<String, GpuNodeSpec> byName = nodes.stream().collect(Collectors.toMap(GpuNodeSpec::sn, Function.identity()));
    for (RunResult r : results) {
      Map<String, long[]> cpuMem = new HashMap<>();
      Map<String, int[]> gpuUsed = new HashMap<>();
      for (RunResult.Placement p : r.placements()) {
        GpuNodeSpec n = byName.get(p.node());
        long[] cm = cpuMem.computeIfAbsent(p.node(), k -> new long[2]);
        cm[0] += p.pod().cpuMilli();
        cm[1] += p.pod().memoryMib();
        assertThat(cm[0]).as("%s cpu on %s", r.policy(), p.node()).isLessThanOrEqualTo(n.cpuMilli());
        assertThat(cm[1]).as("%s memory on %s", r.policy(), p.node()).isLessThanOrEqualTo(n.memoryMib());
        assertThat(p.gpus()).hasSize(p.pod().gpuCount()).doesNotHaveDuplicates();
        int[] used = gpuUsed.computeIfAbsent(p.node(), k -> new int[n.gpus()]);
        for (int g : p.gpus()) {
          used[g] += p.pod().gpuMilli();
          assertThat(used[g]).as("%s GPU %d on %s", r.policy(), g, p.node()).isLessThanOrEqualTo(1000);
        }
        if (!p.pod().gpuType().isEmpty()) {
          assertThat(p.pod().allowsModel(n.model())).isTrue();
        }
      }
    }
  }

  @Test
  void final_allocation_equals_the_placed_gpu_requests() {
    for (RunResult r : results) {
      long placedMilli = r.placements().stream().mapToLong(p -> p.pod().totalGpuMilli()).sum();
      double expectedPct = Math.round(placedMilli / (double) r.totalGpus() / 10 * 100) / 100.0;
      assertThat(r.curves().allocation()[130]).as(r.policy()).isEqualTo(expectedPct);
    }
  }

  @Test
  void fgd_leaves_less_unallocated_than_random_on_this_sample() {
    Map<String, Double> unalloc = results.stream()
        .collect(Collectors.toMap(RunResult::policy, RunResult::unallocatedAt100));
    assertThat(unalloc.get("fgd")).isLessThan(unalloc.get("random"));
  }

  @Test
  void a_run_is_a_pure_function_of_its_seed() {
    FgdSimulator simulator = new FgdSimulator(nodes, 1.3);
    RunResult again = simulator.run("default", trace, "random", 42, false);
    assertThat(again.curves().allocation()).containsExactly(results.get(0).curves().allocation());
  }

  @Test
  void the_experiment_runs_the_grid_and_reports_progress() {
    FgdExperiment experiment = new FgdExperiment(new FgdExperiment.Config(TRACES, List.of("default"),
        List.of("bestfit", "fgd"), List.of(42L), 1.3, true, 2));
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    List<RunResult> grid = experiment.run(new PrintStream(progress, true));
    assertThat(grid).extracting(RunResult::policy).containsExactly("bestfit", "fgd");
    assertThat(progress.toString()).contains("2/2 runs");
  }
}
