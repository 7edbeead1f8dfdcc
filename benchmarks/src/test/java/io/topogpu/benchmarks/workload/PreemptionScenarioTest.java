package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the preemption scenario on an overloaded Helios window (400 jobs, 8 nodes). Asserts invariants
 * only: every job finishes, no GPU is ever held twice, nothing is evicted without preemption, and
 * topogpu, which evicts whole gangs and places a job whole or not at all, never holds GPUs idle.
 */
class PreemptionScenarioTest {
  @Test
  void everyModeFinishesEveryJobWithoutDoubleBooking() {
    PreemptionScenario scenario = new PreemptionScenario(
        new PreemptionScenario.Config(Path.of("traces"), "helios", 400, 8, 1.0, List.of(1L), 0.25, 2));

    List<PreemptionScenario.Row> rows = scenario.run();

    assertThat(rows).extracting(PreemptionScenario.Row::mode)
        .containsExactly("no-preemption", "k8s-default-preemption", "topogpu-preemption");
    for (PreemptionScenario.Row r : rows) {
      assertThat(r.unfinished()).as(r.mode()).isZero();
      assertThat(r.maxHoldersPerGpu()).as(r.mode()).isLessThanOrEqualTo(1);
      assertThat(r.highJobs()).as(r.mode()).isPositive();
    }
    assertThat(rows.get(0).evictedPods()).isZero();
    assertThat(rows.get(0).gpuHoursLost()).isZero();
    assertThat(rows.get(2).idleGpuHours()).isZero();
    assertThat(rows.get(2).evictedPods()).as("the window is full enough to preempt").isPositive();
    assertThat(PreemptionScenario.markdown(rows)).contains("| topogpu-preemption | 1 |");
  }

  @Test
  void theHighClassIsDrawnFromTheSeedAlone() {
    assertThat(PreemptionScenario.draw(50, 3, 0.25)).isEqualTo(PreemptionScenario.draw(50, 3, 0.25));
    assertThat(PreemptionScenario.draw(50, 3, 0.25)).isNotEqualTo(PreemptionScenario.draw(50, 4, 0.25));
  }

  @Test
  void quantilesInterpolate() {
    assertThat(PreemptionScenario.quantile(List.of(4.0, 1.0, 3.0, 2.0), 0.5)).isEqualTo(2.5);
    assertThat(PreemptionScenario.quantile(List.of(1.0, 2.0, 3.0, 4.0, 5.0), 0.9)).isEqualTo(4.6);
  }
}
