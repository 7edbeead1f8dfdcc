package io.topogpu.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeedsAndStatsTest {

  @Test
  void seeds_accept_ranges_and_lists() {
    assertThat(Seeds.parse("42-45")).containsExactly(42L, 43L, 44L, 45L);
    assertThat(Seeds.parse("42,50")).containsExactly(42L, 50L);
  }

  @Test
  void a_bad_seed_is_named() {
    assertThatThrownBy(() -> Seeds.parse("42-x")).hasMessageContaining("42-x");
    assertThatThrownBy(() -> Seeds.parse("50-42")).hasMessageContaining("empty");
  }

  @Test
  void stats_use_the_sample_standard_deviation() {
    Stats s = Stats.of(List.of(1.0, 2.0, 3.0, 4.0));
    assertThat(s.mean()).isEqualTo(2.5);
    assertThat(s.sd()).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
  }
}
