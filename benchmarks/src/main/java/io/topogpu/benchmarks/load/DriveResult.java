package io.topogpu.benchmarks.load;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One pass of the driver over a pod stream. Every pod is accounted for: {@code pods = bound +
 * unschedulable + bindFailed}.
 *
 * @param latency client-side latency per verb, microseconds
 */
public record DriveResult(int pods, int bound, int unschedulable, int bindFailed, long elapsedNanos,
    Map<Verb, Histogram> latency) {

  /** Scheduling decisions (pods taken through the whole cycle) per second of wall-clock time. */
  public double decisionsPerSecond() {
    return elapsedNanos == 0 ? 0 : pods * 1e9 / elapsedNanos;
  }
}
