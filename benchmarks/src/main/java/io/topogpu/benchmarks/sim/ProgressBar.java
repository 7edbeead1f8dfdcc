package io.topogpu.benchmarks.sim;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-line text progress bar ({@code [#####.....] 12/30 runs 40% eta 1m05s last: ...}) redrawn with
 * carriage returns on a terminal stream (stderr). Thread-safe: workers call {@link #step} when a unit ends.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;

  private final PrintStream out;
  private final String unit;
  private final int total;
  private final long startNanos = System.nanoTime();
  private final AtomicInteger done = new AtomicInteger();

  public ProgressBar(PrintStream out, String unit, int total) {
    this.out = out;
    this.unit = unit;
    this.total = total;
  }

  public void step(String label) {
    int d = done.incrementAndGet();
    long elapsed = System.nanoTime() - startNanos;
    Duration eta = Duration.ofNanos(d == 0 ? 0 : elapsed / d * (total - d));
    int filled = total == 0 ? WIDTH : WIDTH * d / total;
    String line = "[%s%s] %d/%d %s %3d%% eta %s  %s".formatted("#".repeat(filled), ".".repeat(WIDTH - filled),
        d, total, unit, total == 0 ? 100 : 100 * d / total, format(eta), label);
    synchronized (out) {
      out.print("\r" + line + "   ");
      if (d == total) {
        out.println();
      }
      out.flush();
    }
  }

  private static String format(Duration d) {
    return d.toMinutes() > 0 ? "%dm%02ds".formatted(d.toMinutes(), d.toSecondsPart()) : d.toSeconds() + "s";
  }
}
