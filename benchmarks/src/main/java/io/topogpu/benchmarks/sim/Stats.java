package io.topogpu.benchmarks.sim;

import java.util.List;

/** Mean and sample standard deviation (n − 1 denominator, as the published summary uses). */
public record Stats(int n, double mean, double sd) {
  public static Stats of(List<Double> values) {
    int n = values.size();
    double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
    return new Stats(n, mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0);
  }
}
