package io.topogpu.nodeagent.plugin.grpc;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition every 20 ms for at most 20 s, failing with what was awaited. */
final class Await {
  private Await() {}

  static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
