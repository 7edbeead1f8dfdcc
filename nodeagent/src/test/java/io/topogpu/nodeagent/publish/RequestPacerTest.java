package io.topogpu.nodeagent.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RequestPacerTest {

  @Test
  @DisplayName("wait = max(0, last + interval - now); the first request never waits")
  void waitFormula() {
    assertThat(RequestPacer.waitNanos(Long.MIN_VALUE, 5, 200)).isZero();
    assertThat(RequestPacer.waitNanos(1_000, 1_050, 200)).isEqualTo(150);
    assertThat(RequestPacer.waitNanos(1_000, 1_300, 200)).isZero();
  }

  @Test
  @DisplayName("5 qps: back-to-back requests are spaced 200 ms apart")
  void spacesRequests() {
    long[] now = {0};
    List<Duration> slept = new ArrayList<>();
    RequestPacer pacer = new RequestPacer(5, () -> now[0], d -> {
      slept.add(d);
      now[0] += d.toNanos();
    });
    pacer.acquire();
    pacer.acquire();
    now[0] += 50_000_000;
    pacer.acquire();
    assertThat(slept).containsExactly(Duration.ofMillis(200), Duration.ofMillis(150));
  }

  @Test
  void rejectsNonPositiveRate() {
    assertThatThrownBy(() -> new RequestPacer(0, System::nanoTime, Sleeper.REAL))
        .hasMessage("client rate limit must be > 0 requests/s, got 0.0");
  }
}
