package io.topogpu.nodeagent.agent;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link ProbeCycle}s on one thread: at start, every {@code interval} after the previous cycle
 * ended, and on demand ({@link #probeNow()}). One thread means cycles never overlap.
 */
public final class NodeAgent implements AutoCloseable {
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "topogpu-agent-probe");
    t.setDaemon(true);
    return t;
  });
  private final Runnable cycle;
  private final Duration interval;

  public NodeAgent(Runnable cycle, Duration interval) {
    this.cycle = cycle;
    this.interval = interval;
  }

  public void start() {
    thread.scheduleWithFixedDelay(cycle, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void probeNow() {
    thread.execute(cycle);
  }

  @Override
  public void close() throws InterruptedException {
    thread.shutdownNow();
    thread.awaitTermination(10, TimeUnit.SECONDS);
  }
}
