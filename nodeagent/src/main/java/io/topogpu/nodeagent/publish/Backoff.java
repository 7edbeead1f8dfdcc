package io.topogpu.nodeagent.publish;

import java.time.Duration;

/**
 * Capped exponential backoff with "equal jitter".
 *
 * <p>For retry {@code n >= 1} and a uniform random {@code u} in {@code [0, 1)}:
 * <pre>
 *   ceiling(n) = min(cap, base × 2^(n-1))
 *   delay(n)   = ceiling(n) / 2 + u × ceiling(n) / 2
 * </pre>
 * so a delay is never below half its ceiling (no hot retry loop) nor above {@code cap}, and agents
 * that failed together spread out instead of retrying in lock step.
 */
public record Backoff(Duration base, Duration cap) {

  public Backoff {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap, got base " + base + ", cap " + cap);
    }
  }

  public Duration delay(int retry, double u) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry must be >= 1, got " + retry);
    }
    if (u < 0 || u >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + u);
    }
    long capMillis = cap.toMillis();
    long ceiling = retry > 62 ? capMillis : Math.min(capMillis, base.toMillis() << Math.min(retry - 1, 62));
    if (ceiling < 0) {
      ceiling = capMillis; // shifted past Long.MAX_VALUE
    }
    return Duration.ofMillis(ceiling / 2 + (long) (u * (ceiling - ceiling / 2)));
  }
}
