package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The extender's starvation hold on simulated time, worked by hand. Two 8-GPU nodes under one leaf; a
 * stream of 1-GPU jobs s0..s39, s_k arriving at 50·k s and running 100 s, so at every instant up to
 * t = 2050 one or two of them run and the two nodes are never both empty. A 2 × 8 gang "big" arrives at
 * t = 10 and runs 500 s once started.
 */
class StarvationHoldSimulationTest {
  private final List<SimNode> twoDgx = TestCluster.cluster().nodes(2, "dgx-a100-8gpu-nv12").build();
  private final WorkloadSimulator sim = new WorkloadSimulator(twoDgx, LocalityModel.DEFAULT);

  private static List<GangJob> bigBehindStream() {
    List<GangJob> jobs = new ArrayList<>();
    jobs.add(GangJob.even("s0", 2, 0, 100, 1, 1));
    jobs.add(GangJob.even("big", 3, 10, 500, 16, 2));
    for (int k = 1; k < 40; k++) {
      jobs.add(GangJob.even("s" + k, 3 + k, 50L * k, 100, 1, 1));
    }
    return jobs;
  }

  @Test
  void withoutTheHoldTheGangWaitsUntilTheStreamEnds() {
    RunResult r = run("topogpu-gang-nohold", Duration.ofMinutes(10));
    Map<String, JobOutcome> out = byJob(r);
    // the last small job, s39, runs 1950..2050
    assertThat(out.get("big").start()).isEqualTo(2050.0);
    assertThat(out.get("s13").start()).isEqualTo(650.0);
    assertThat(r.holds()).isZero();
    assertThat(r.heldFreeGpuHours()).isZero();
  }

  @Test
  void withTheExtendersTenMinuteHoldTheGangStartsWhenTheHeldLeafDrains() {
    // t = 610: big has waited 600 s (>= the threshold) and was rejected, so the leaf holding both nodes
    // (the tightest domain that could hold 2 × 8) is closed to others. s11 (550..650) and s12 (600..700)
    // run out; s13 (650) and s14 (700) must wait. At 700 the leaf is empty: big starts, ends at 1200
    // (two whole nodes under one leaf is its reference placement: slowdown 1). s13..s23 start at 1200.
    RunResult r = run("topogpu-gang", Duration.ofMinutes(10));
    Map<String, JobOutcome> out = byJob(r);
    assertThat(out.get("big").start()).isEqualTo(700.0);
    assertThat(out.get("big").end()).isEqualTo(1200.0);
    assertThat(out.get("s12").start()).isEqualTo(600.0);
    assertThat(out.get("s13").start()).isEqualTo(1200.0);
    assertThat(out.get("s23").start()).isEqualTo(1200.0);
    assertThat(out.get("s24").start()).isEqualTo(1200.0); // arrives at 1200, the pass after the end
    assertThat(out.values()).allMatch(JobOutcome::finished);
    assertThat(r.holds()).isEqualTo(1);
    // held 610..700: 14 GPUs free until s11 ends at 650, then 15 until 700
    assertThat(r.heldFreeGpuHours()).isCloseTo((14 * 40 + 15 * 50) / 3600.0, within(1e-9));
  }

  @Test
  void theThresholdIsAParameter() {
    // five minutes: at t = 310 s5 (250..350) and s6 (300..400) run; the leaf drains at 400.
    Map<String, JobOutcome> out = byJob(run("topogpu-gang", Duration.ofMinutes(5)));
    assertThat(out.get("big").start()).isEqualTo(400.0);
    assertThat(out.get("s7").start()).isEqualTo(900.0);
  }

  @Test
  void perPodPoliciesHaveNoHold() {
    // pod by pod, big binds one pod on whichever node is empty and waits for the other one
    RunResult r = run("topogpu", Duration.ofMinutes(10));
    assertThat(r.holds()).isZero();
    assertThat(byJob(r).get("big").start()).isEqualTo(2050.0);
  }

  @Test
  void onlyJobsOfSeveralPodsAreGangsThatMayHold() {
    // one 8-GPU node and the same stream: 8 GPUs as one pod are a lone pod to the extender (no gang
    // identity), so it waits the stream out; as a gang of 2 × 4 it holds the node from 610 and starts at 700
    WorkloadSimulator oneNode = new WorkloadSimulator(
        TestCluster.cluster().nodes(1, "dgx-a100-8gpu-nv12").build(), LocalityModel.DEFAULT);
    List<GangJob> lone = new ArrayList<>(bigBehindStream());
    lone.set(1, GangJob.even("big", 3, 10, 500, 8, 1));
    List<GangJob> gang = new ArrayList<>(bigBehindStream());
    gang.set(1, GangJob.even("big", 3, 10, 500, 8, 2));
    WorkloadPolicies.Entry policy = WorkloadPolicies.require("topogpu-gang");
    RunResult asPod = oneNode.run(lone, policy, 1, Duration.ofMinutes(10), i -> { });
    RunResult asGang = oneNode.run(gang, policy, 1, Duration.ofMinutes(10), i -> { });
    assertThat(byJob(asPod).get("big").start()).isEqualTo(2050.0);
    assertThat(asPod.holds()).isZero();
    assertThat(byJob(asGang).get("big").start()).isEqualTo(700.0);
    assertThat(asGang.holds()).isEqualTo(1);
  }

  private RunResult run(String policy, Duration after) {
    RunResult r = sim.run(bigBehindStream(), WorkloadPolicies.require(policy), 1, after, i -> { });
    assertThat(r.maxHoldersPerGpu()).isLessThanOrEqualTo(1);
    return r;
  }

  private static Map<String, JobOutcome> byJob(RunResult r) {
    return r.jobs().stream().collect(Collectors.toMap(JobOutcome::job, Function.identity()));
  }
}
