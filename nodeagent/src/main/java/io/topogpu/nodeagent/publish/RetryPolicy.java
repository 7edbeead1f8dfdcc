package io.topogpu.nodeagent.publish;

import java.util.function.DoubleSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The node agent's only retry loop: up to {@code maxAttempts} tries of one API call, waiting
 * {@link Backoff#delay} between them, retrying only failures {@code transientFailure} accepts. The
 * last failure, or the first non-transient one, is rethrown unchanged.
 */
public record RetryPolicy(
    int maxAttempts, Backoff backoff, Predicate<RuntimeException> transientFailure, Sleeper sleeper,
    DoubleSupplier jitter) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
  }

  public <T> T call(Supplier<T> apiCall) {
    for (int attempt = 1; ; attempt++) {
      try {
        return apiCall.get();
      } catch (RuntimeException e) {
        if (attempt >= maxAttempts || !transientFailure.test(e)) {
          throw e;
        }
        try {
          sleeper.sleep(backoff.delay(attempt, jitter.getAsDouble()));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          e.addSuppressed(ie);
          throw e;
        }
      }
    }
  }

  public void run(Runnable apiCall) {
    call(() -> {
      apiCall.run();
      return null;
    });
  }
}
