package io.topogpu.nodeagent.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  static final class Transient extends RuntimeException {
    Transient(String m) {
      super(m);
    }
  }

  private final List<Duration> slept = new ArrayList<>();
  private final RetryPolicy policy = new RetryPolicy(4, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
      e -> e instanceof Transient, slept::add, () -> 0.0);

  @Test
  @DisplayName("transient failures are retried with the backoff delays until the call succeeds")
  void retriesUntilSuccess() {
    AtomicInteger calls = new AtomicInteger();
    String result = policy.call(() -> {
      if (calls.incrementAndGet() < 3) {
        throw new Transient("503");
      }
      return "ok";
    });
    assertThat(result).isEqualTo("ok");
    assertThat(slept).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
  }

  @Test
  @DisplayName("gives up after maxAttempts and rethrows the last failure")
  void givesUp() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> policy.run(() -> {
      throw new Transient("503 #" + calls.incrementAndGet());
    })).hasMessage("503 #4");
    assertThat(slept).hasSize(3);
  }

  @Test
  @DisplayName("a permanent failure is not retried")
  void permanentIsNotRetried() {
    assertThatThrownBy(() -> policy.run(() -> {
      throw new IllegalStateException("403 forbidden");
    })).hasMessage("403 forbidden");
    assertThat(slept).isEmpty();
  }
}
