package io.topogpu.benchmarks.fgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Per-integer-percentage reduction of the samples (fgd-protocol.md §8.2), on a 1-GPU cluster. */
class CurvesTest {

  @Test
  void cells_average_the_samples_whose_rounded_arrived_percentage_matches() {
    // arrived 495 → 49.5 → rint 50 (half-to-even); 505 → 50.5 → 50; 1000 → 100
    long[] arrived = {495, 505, 1000};
    long[] used = {400, 500, 900};
    double[] frag = {100, 200, 50};
    Curves c = Curves.reduce(arrived, used, frag, 1);
    assertThat(c.allocation()[50]).isEqualTo(45.0);
    assertThat(c.allocation()[100]).isEqualTo(90.0);
    // 100 × mean(150) / 1000 / 1 = 15 %
    assertThat(c.fragAmount()[50]).isEqualTo(15.0);
    // mean(100 × 100/600, 100 × 200/500) = mean(16.67, 40)
    assertThat(c.fragRatio()[50]).isCloseTo((100.0 / 6 + 40) / 2, within(1e-9));
  }

  @Test
  void an_empty_cell_borrows_its_neighbours_and_otherwise_stays_empty() {
    Curves c = Curves.reduce(new long[] {490, 510}, new long[] {400, 500}, new double[] {0, 0}, 1);
    assertThat(c.allocation()[50]).isEqualTo(45.0); // 49 and 51 both within ±1
    assertThat(c.allocation()[49]).isEqualTo(40.0);
    assertThat(c.allocation()[10]).isNaN();
  }
}
