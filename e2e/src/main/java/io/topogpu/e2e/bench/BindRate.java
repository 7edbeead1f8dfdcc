package io.topogpu.e2e.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Pods bound per second from the first bind seen to the last: {@code (binds - 1) / (last - first)},
 * the first bind opening the interval (so one bind, or binds all seen at one instant, have no rate:
 * {@code NaN}).
 */
public record BindRate(int binds, double seconds, double podsPerSecond) {

  /** From the instants ({@link System#nanoTime()}) at which each pod was first seen bound. */
  public static BindRate of(Collection<Long> boundAtNanos) {
    if (boundAtNanos.isEmpty()) {
      return new BindRate(0, 0, Double.NaN);
    }
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (long t : boundAtNanos) {
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    double seconds = (last - first) / 1e9;
    int n = boundAtNanos.size();
    return new BindRate(n, seconds, seconds > 0 ? (n - 1) / seconds : Double.NaN);
  }

  /** The median of {@code values} (mean of the middle two for an even count); NaN when empty. */
  public static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }
}
