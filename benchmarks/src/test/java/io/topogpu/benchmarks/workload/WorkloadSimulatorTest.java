package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The simulator on hand-built scenarios whose outcome is worked out by hand: how non-gang policies leave
 * partly started jobs holding GPUs idle (up to a deadlock), and how gangs avoid it.
 */
class WorkloadSimulatorTest {
  private final List<SimNode> twoDgx = TestCluster.cluster().nodes(2, "dgx-a100-8gpu-nv12").build();
  private final WorkloadSimulator sim = new WorkloadSimulator(twoDgx, LocalityModel.DEFAULT);

  /**
   * t=0 a 1-GPU job takes a node for 1000 s. t=1 a job of 2 × 8 GPUs gets the empty node for one pod; its
   * other pod needs a whole node. t=2 a job of 2 × 7 GPUs binds one pod next to the 1-GPU job. At t=1000
   * only 1 GPU frees: neither gang can finish starting, and nothing else will ever end.
   */
  private final List<GangJob> deadlock = List.of(
      GangJob.even("small", 2, 0, 1000, 1, 1),
      GangJob.even("big", 3, 1, 500, 16, 2),
      GangJob.even("seven", 4, 2, 500, 14, 2));

  @Test
  void spreadSchedulerDeadlocksTwoPartlyStartedGangs() {
    Map<String, JobOutcome> out = run("k8s-default", deadlock);
    assertThat(out.get("small").status()).isEqualTo(JobOutcome.Status.FINISHED);
    assertThat(out.get("big").status()).isEqualTo(JobOutcome.Status.PARTLY_STARTED);
    assertThat(out.get("seven").status()).isEqualTo(JobOutcome.Status.PARTLY_STARTED);
    assertThat(out.get("big").reason()).contains("deadlock");
    // held from their bind to the last event (t=1000): 8 × 999 and 7 × 998 GPU-seconds
    assertThat(out.get("big").idleGpuSeconds()).isEqualTo(8 * 999.0);
    assertThat(out.get("seven").idleGpuSeconds()).isEqualTo(7 * 998.0);
  }

  @Test
  void gangsStartWholeWithBackfillAndNoIdleHolding() {
    // "big" cannot start while "small" runs; "seven" fits at once (7 + 7 free) and backfills ahead of it.
    Map<String, JobOutcome> out = run("topogpu-gang", deadlock);
    assertThat(out.values()).allMatch(JobOutcome::finished);
    assertThat(out.get("seven").start()).isEqualTo(2.0);
    assertThat(out.get("big").start()).isEqualTo(1000.0);
    assertThat(out.get("big").slowdown()).isEqualTo(1.0); // two full nodes under one leaf is its reference
    assertThat(out.values()).allMatch(j -> j.idleGpuSeconds() == 0);
  }

  @Test
  void partlyStartedJobHoldsGpusIdleUntilItsLastPodBinds() {
    // t=0 a 4-GPU job for 100 s; t=10 a 2 × 8 job binds one pod at once and the other at t=100.
    List<GangJob> jobs = List.of(GangJob.even("four", 2, 0, 100, 4, 1), GangJob.even("two-by-eight", 3, 10, 50, 16, 2));
    Map<String, JobOutcome> out = run("k8s-default", jobs);
    JobOutcome j = out.get("two-by-eight");
    assertThat(j.start()).isEqualTo(100.0);
    assertThat(j.idleGpuSeconds()).isEqualTo(8 * 90.0);
    assertThat(j.end()).isEqualTo(150.0);
    assertThat(j.queueingDelay()).isEqualTo(90.0);
  }

  @Test
  void jobLargerThanTheClusterIsReportedNotDropped() {
    Map<String, JobOutcome> out = run("topogpu", List.of(GangJob.even("huge", 2, 0, 10, 24, 3)));
    assertThat(out.get("huge").status()).isEqualTo(JobOutcome.Status.NEVER_FITS);
    assertThat(out.get("huge").reason()).contains("the empty cluster cannot hold them");
  }

  private Map<String, JobOutcome> run(String policy, List<GangJob> jobs) {
    RunResult r = sim.run(jobs, WorkloadPolicies.require(policy), 1, i -> { });
    assertThat(r.maxHoldersPerGpu()).isLessThanOrEqualTo(1);
    return r.jobs().stream().collect(Collectors.toMap(JobOutcome::job, Function.identity()));
  }
}
