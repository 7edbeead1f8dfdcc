package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The quick mode as CI runs it: a small window of a real trace on a cluster built from the shipped
 * inventories, every policy. Asserts invariants only, never timings or metric values.
 */
class WorkloadQuickRunTest {
  private static final Path TRACES = Path.of("traces");

  @Test
  void everyJobIsAccountedForAndNoGpuIsEverHeldTwice() {
    for (String trace : List.of("philly", "itp-cluster01")) {
      WorkloadExperiment e = new WorkloadExperiment(new WorkloadExperiment.Config(TRACES, trace, 120, 0, 0.9,
          List.of(1L), WorkloadPolicies.DEFAULT_STARVATION_AFTER, WorkloadPolicies.names(), List.of(Variant.DEFAULT), 2));
      List<WorkloadExperiment.Outcome> outcomes = e.run(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      assertThat(outcomes).hasSize(WorkloadPolicies.names().size());
      for (WorkloadExperiment.Outcome o : outcomes) {
        RunResult r = o.run();
        String what = trace + " " + r.policy();
        assertThat(r.maxHoldersPerGpu()).as(what).isLessThanOrEqualTo(1);
        assertThat(r.jobs()).as(what).extracting(JobOutcome::job)
            .containsExactlyElementsOf(e.trace().jobs().stream().map(GangJob::id).toList());
        for (JobOutcome j : r.jobs()) {
          if (j.finished()) {
            assertThat(j.start()).as(what + " " + j.job()).isGreaterThanOrEqualTo(j.submit());
            assertThat(j.end()).as(what + " " + j.job()).isGreaterThanOrEqualTo(j.start());
            assertThat(j.slowdown()).as(what + " " + j.job()).isGreaterThanOrEqualTo(1.0);
            assertThat(j.reason()).isEmpty();
          } else {
            assertThat(j.reason()).as(what + " " + j.job()).isNotEmpty();
          }
        }
        if (r.policy().startsWith("topogpu-gang")) {
          assertThat(r.jobs()).as(what).allMatch(j -> j.idleGpuSeconds() == 0);
          assertThat(r.jobs()).as(what).allMatch(JobOutcome::finished);
        }
      }
    }
  }

  @Test
  void holdsNeverOverAllocateAndEveryGangFinishes() {
    // a one-minute threshold makes gangs starve often, so holds are taken and released many times
    int holds = 0;
    for (String trace : List.of("philly", "itp-cluster01")) {
      WorkloadExperiment e = new WorkloadExperiment(new WorkloadExperiment.Config(TRACES, trace, 120, 0, 0.9,
          List.of(1L, 2L), Duration.ofMinutes(1), List.of("topogpu-gang"), List.of(Variant.DEFAULT), 2));
      for (WorkloadExperiment.Outcome o : e.run(new PrintStream(OutputStream.nullOutputStream()))) {
        String what = trace + " seed " + o.seed();
        assertThat(o.run().maxHoldersPerGpu()).as(what).isLessThanOrEqualTo(1);
        assertThat(o.run().jobs()).as(what).hasSize(e.trace().jobs().size()).allMatch(JobOutcome::finished);
        holds += o.run().holds();
      }
    }
    assertThat(holds).isPositive();
  }

  @Test
  void clusterFollowsTheInventoryMixAndTheNetworkMap() {
    WorkloadExperiment e = new WorkloadExperiment(new WorkloadExperiment.Config(TRACES, "helios", 50, 40, 0.9,
        List.of(1L), WorkloadPolicies.DEFAULT_STARVATION_AFTER, List.of("topogpu"), List.of(Variant.DEFAULT), 1));
    // spot inventory multi-GPU nodes: 454 A100/A800, 219 H800, 199 undisclosed 8-GPU, 10 4-GPU → of 40:
    // 20.59 → 20, 9.93 → 10, 9.02 → 9, 0.45 → 1 (at least one of each)
    assertThat(WorkloadReport.clusterLine(e.cluster())).contains(
        "20x dgx-a100-8gpu-nv12", "10x hgx-h100-8gpu-nv18-pix-nics", "9x l40s-8gpu-pcie-node-sys",
        "1x azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs", "under 3 spines");
  }
}
