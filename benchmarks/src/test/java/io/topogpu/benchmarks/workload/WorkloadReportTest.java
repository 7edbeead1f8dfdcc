package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the report folds several seeds into one table cell. */
class WorkloadReportTest {
  private static WorkloadMetrics waits(double meanWait, double leafShare) {
    return new WorkloadMetrics("p", 1, 1, 0, 0, 0, Double.NaN, 0, leafShare, Double.NaN, 0, 0, meanWait, 0, 0, 0, 0,
        0, Double.NaN, 0, 0);
  }

  @Test
  void seedsThatAgreeGiveOneValue() {
    assertThat(WorkloadReport.cell(List.of(waits(2, 0), waits(2, 0)), WorkloadMetrics::meanWaitHours, "%.2f", 1))
        .isEqualTo("2.00");
  }

  @Test
  void seedsThatDifferGiveTheMeanAndTheRange() {
    // (1 + 2 + 6) / 3 = 3
    assertThat(WorkloadReport.cell(List.of(waits(1, 0), waits(2, 0), waits(6, 0)), WorkloadMetrics::meanWaitHours,
        "%.2f", 1)).isEqualTo("3.00 (1.00–6.00)");
  }

  @Test
  void sharesAreScaledToPercent() {
    assertThat(WorkloadReport.cell(List.of(waits(0, 0.5), waits(0, 0.25)), WorkloadMetrics::oneLeafShare,
        "%.1f%%", 100)).isEqualTo("37.5% (25.0–50.0%)");
  }

  @Test
  void aMetricWithoutDataIsNotAvailable() {
    assertThat(WorkloadReport.cell(List.of(waits(1, 0)), WorkloadMetrics::meanWaitLargeHours, "%.1f", 1))
        .isEqualTo("n/a");
  }
}
