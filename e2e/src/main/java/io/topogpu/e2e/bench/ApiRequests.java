package io.topogpu.e2e.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * Requests on pods as kube-apiserver counts them ({@code apiserver_request_total} and {@code
 * apiserver_request_duration_seconds}), between two scrapes, keyed {@code VERB resource[/subresource]}.
 */
final class ApiRequests {
  static final String TOTAL = "apiserver_request_total";
  static final String DURATION_SUM = "apiserver_request_duration_seconds_sum";
  static final String DURATION_COUNT = "apiserver_request_duration_seconds_count";

  private ApiRequests() {}

  static Map<String, Double> callsBetween(PromText before, PromText after) {
    return diff(byKey(before, TOTAL), byKey(after, TOTAL));
  }

  /** Mean handling time (ms) of the requests between the scrapes, per key. */
  static Map<String, Double> meanMsBetween(PromText before, PromText after) {
    Map<String, Double> sums = diff(byKey(before, DURATION_SUM), byKey(after, DURATION_SUM));
    Map<String, Double> counts = diff(byKey(before, DURATION_COUNT), byKey(after, DURATION_COUNT));
    Map<String, Double> mean = new TreeMap<>();
    counts.forEach((k, n) -> {
      if (n > 0) {
        mean.put(k, sums.getOrDefault(k, 0.0) * 1000 / n);
      }
    });
    return mean;
  }

  private static Map<String, Double> byKey(PromText metrics, String name) {
    Map<String, Double> out = new TreeMap<>();
    // Group by verb/resource/subresource: sumBy groups by one label, so fold the three into one.
    for (String verb : metrics.sumBy(name, "verb", l -> "pods".equals(l.get("resource"))).keySet()) {
      for (var e : metrics.sumBy(name, "subresource",
          l -> "pods".equals(l.get("resource")) && verb.equals(l.get("verb"))).entrySet()) {
        out.put(key(verb, e.getKey()), e.getValue());
      }
    }
    return out;
  }

  static String key(String verb, String subresource) {
    return verb + " pods" + (subresource.isEmpty() ? "" : "/" + subresource);
  }

  private static Map<String, Double> diff(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> d = new TreeMap<>();
    after.forEach((k, v) -> {
      double delta = v - before.getOrDefault(k, 0.0);
      if (delta > 0) {
        d.put(k, delta);
      }
    });
    return d;
  }
}
