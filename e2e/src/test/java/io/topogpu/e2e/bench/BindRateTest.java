package io.topogpu.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BindRateTest {
  @Test
  void rateCountsFromTheFirstBindToTheLast() {
    // 5 binds over 2 s (first at 1 s, last at 3 s, order of arrival irrelevant): 4 intervals / 2 s.
    BindRate r = BindRate.of(List.of(3_000_000_000L, 1_000_000_000L, 1_500_000_000L, 2_000_000_000L, 2_500_000_000L));
    assertThat(r.binds()).isEqualTo(5);
    assertThat(r.seconds()).isEqualTo(2.0);
    assertThat(r.podsPerSecond()).isEqualTo(2.0);
  }

  @Test
  void noIntervalHasNoRate() {
    assertThat(BindRate.of(List.of()).podsPerSecond()).isNaN();
    assertThat(BindRate.of(List.of(7L)).podsPerSecond()).isNaN();
    assertThat(BindRate.of(List.of(7L, 7L)).podsPerSecond()).isNaN();
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(BindRate.median(List.of(30.0, 10.0, 20.0))).isEqualTo(20.0);
    assertThat(BindRate.median(List.of(40.0, 10.0, 30.0, 20.0))).isEqualTo(25.0);
    assertThat(BindRate.median(List.of())).isNaN();
  }

  @Test
  void mixedStreamCyclesOneTwoFourEight() {
    assertThat(List.of(0, 1, 2, 3, 4, 7).stream().map(PodMix.MIXED::gpus).toList())
        .containsExactly(1, 2, 4, 8, 1, 8);
    assertThat(PodMix.SINGLE.gpus(5)).isEqualTo(1);
    // 1000 mixed pods: 250 of each size, 250 * 15 GPUs.
    assertThat(PodMix.MIXED.totalGpus(1000)).isEqualTo(3750);
  }
}
