package io.topogpu.scheduler.extender;

import java.time.Duration;

/**
 * Counts requests being served so shutdown can drain them: after {@link #drain} no request may
 * enter, and {@link #awaitIdle} returns once the last one has left or the grace period is over.
 */
final class InFlightRequests {
  private int active;
  private boolean draining;

  /** Admits a request unless draining; an admitted request must {@link #leave()} exactly once. */
  synchronized boolean tryEnter() {
    if (draining) {
      return false;
    }
    active++;
    return true;
  }

  synchronized void leave() {
    active--;
    if (active == 0) {
      notifyAll();
    }
  }

  synchronized void drain() {
    draining = true;
  }

  synchronized boolean draining() {
    return draining;
  }

  /** Waits until no request is active or {@code grace} has passed; true when idle. */
  synchronized boolean awaitIdle(Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    while (active > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  synchronized int active() {
    return active;
  }
}
