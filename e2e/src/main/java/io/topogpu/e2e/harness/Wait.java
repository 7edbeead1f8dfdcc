package io.topogpu.e2e.harness;

import java.time.Duration;
import java.util.function.Supplier;

/** Polling until a condition holds, with what was awaited in the failure. */
public final class Wait {
  private Wait() {}

  /** Polls {@code condition} every 50 ms until it answers true, failing after {@code timeout}. */
  public static void until(Duration timeout, String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (Boolean.TRUE.equals(condition.get())) {
          return;
        }
        last = null;
      } catch (RuntimeException e) {
        last = e;
      }
      sleep(50);
    }
    AssertionError failure = new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    if (last != null) {
      failure.initCause(last);
    }
    throw failure;
  }

  /** Sleeps {@code millis}; an interrupt ends the test with an exception. */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
