package io.topogpu.benchmarks.load;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of one verb in microseconds; over several runs, each figure is the median of
 * that figure across runs (so a single noisy run moves nothing).
 */
public record LatencySummary(double p50, double p99, double p999, double max, long count) {

  public static LatencySummary of(Histogram h) {
    return new LatencySummary(h.getValueAtPercentile(50), h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9), h.getMaxValue(), h.getTotalCount());
  }

  public static LatencySummary median(List<LatencySummary> runs) {
    return new LatencySummary(median(runs, LatencySummary::p50), median(runs, LatencySummary::p99),
        median(runs, LatencySummary::p999), median(runs, LatencySummary::max),
        Math.round(median(runs, s -> s.count)));
  }

  /** Median of {@code f} over {@code runs}: the middle value, or the mean of the two middle ones. */
  public static <T> double median(List<T> runs, ToDoubleFunction<T> f) {
    if (runs.isEmpty()) {
      return Double.NaN;
    }
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
