package io.topogpu.nodeagent.publish;

import java.time.Duration;

/** Waiting, as a seam: production sleeps, tests record the delays and return at once. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  Sleeper REAL = d -> Thread.sleep(d.toMillis());
}
