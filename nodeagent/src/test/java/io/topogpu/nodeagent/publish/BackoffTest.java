package io.topogpu.nodeagent.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

  @Test
  @DisplayName("ceiling doubles from the base: 200, 400, 800 ms; jitter 0 gives half of it, jitter→1 all of it")
  void doublesWithEqualJitter() {
    assertThat(backoff.delay(1, 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delay(2, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.delay(3, 0.5)).isEqualTo(Duration.ofMillis(600));
    assertThat(backoff.delay(3, 0.999)).isEqualTo(Duration.ofMillis(799));
  }

  @Test
  @DisplayName("capped: from retry 9 (200 ms × 256 = 51.2 s) the ceiling is 30 s, and huge retry counts do not overflow")
  void capped() {
    assertThat(backoff.delay(8, 0.0)).isEqualTo(Duration.ofMillis(12_800));
    assertThat(backoff.delay(9, 0.0)).isEqualTo(Duration.ofSeconds(15));
    assertThat(backoff.delay(10_000, 0.999)).isLessThanOrEqualTo(Duration.ofSeconds(30)).isGreaterThan(Duration.ofSeconds(29));
  }

  @Test
  @DisplayName("bad arguments name the value")
  void rejectsBadArguments() {
    assertThatThrownBy(() -> backoff.delay(0, 0.5)).hasMessage("retry must be >= 1, got 0");
    assertThatThrownBy(() -> backoff.delay(1, 1.0)).hasMessage("jitter must be in [0, 1), got 1.0");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("backoff needs 0 < base <= cap, got base PT2S, cap PT1S");
  }
}
