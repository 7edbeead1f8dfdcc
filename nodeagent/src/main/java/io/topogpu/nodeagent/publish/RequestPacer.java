package io.topogpu.nodeagent.publish;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The agent's client-side rate limit: at most {@code qps} API requests per second, by spacing
 * requests at least {@code 1/qps} apart (fabric8 has no QPS limiter of its own). With a one-minute
 * probe interval the agent makes about two requests a minute; the limit bounds a retry storm.
 */
public final class RequestPacer {
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private long last = Long.MIN_VALUE;

  public RequestPacer(double qps, LongSupplier nanoTime, Sleeper sleeper) {
    if (!(qps > 0)) {
      throw new IllegalArgumentException("client rate limit must be > 0 requests/s, got " + qps);
    }
    this.intervalNanos = (long) (1e9 / qps);
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  /**
   * Nanoseconds to wait before a request at {@code now} when the previous one was at {@code last}:
   * {@code max(0, last + interval - now)}; 0 for the first request ({@code last = Long.MIN_VALUE}).
   */
  static long waitNanos(long last, long now, long interval) {
    return last == Long.MIN_VALUE ? 0 : Math.max(0, last + interval - now);
  }

  public synchronized void acquire() {
    long wait = waitNanos(last, nanoTime.getAsLong(), intervalNanos);
    if (wait > 0) {
      try {
        sleeper.sleep(Duration.ofNanos(wait));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    last = nanoTime.getAsLong();
  }
}
