package io.topogpu.e2e.bench;

import java.util.Map;

/** The extender's per-verb request timer ({@code topogpu.extender.requests}) as means. */
final class ExtenderLatency {
  static final String SUM = "topogpu_extender_requests_seconds_sum";
  static final String COUNT = "topogpu_extender_requests_seconds_count";

  private ExtenderLatency() {}

  /** Fills {@code meanMs} (verb → mean milliseconds per call, all outcomes) and {@code calls} (verb → calls). */
  static void read(PromText metrics, Map<String, Double> meanMs, Map<String, Double> calls) {
    Map<String, Double> sums = metrics.sumBy(SUM, "verb", labels -> true);
    Map<String, Double> counts = metrics.sumBy(COUNT, "verb", labels -> true);
    counts.forEach((verb, n) -> {
      calls.put(verb, n);
      if (n > 0) {
        meanMs.put(verb, sums.getOrDefault(verb, 0.0) * 1000 / n);
      }
    });
  }
}
