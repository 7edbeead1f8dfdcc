package io.topogpu.benchmarks.fgd;

/**
 * Reduces per-pod samples to the per-integer-percentage columns 0..130 of the published CSVs
 * (fgd-protocol.md §8.2). For sample j: {@code arrive_pct = rint(arrived / totalGpus / 10)} and
 * {@code alloc_pct = round(used / totalGpus / 10, 2)} (milli in, % out). Cell k averages the samples with
 * arrive_pct = k, or if none those with k−1 ≤ arrive_pct ≤ k+1, or is NaN if still none:
 * allocation {@code round(mean alloc_pct, 2)}, fragmentation amount
 * {@code round(100 × mean(frag) / 1000 / totalGpus, 2)}, fragmentation rate {@code mean(100 × frag / idle)}.
 */
public record Curves(double[] allocation, double[] fragAmount, double[] fragRatio) {
  public static final int COLUMNS = 131;

  public static Curves reduce(long[] arrivedMilli, long[] usedMilli, double[] fragMilli, long totalGpus) {
    int buckets = COLUMNS + 64;
    double[] allocSum = new double[buckets];
    double[] fragSum = new double[buckets];
    double[] ratioSum = new double[buckets];
    int[] n = new int[buckets];
    long capacity = totalGpus * PodRequest.MILLI;
    for (int j = 0; j < arrivedMilli.length; j++) {
      int pct = (int) Math.min(buckets - 1, Math.rint((double) arrivedMilli[j] / totalGpus / 10));
      long idle = capacity - usedMilli[j];
      allocSum[pct] += round2((double) usedMilli[j] / totalGpus / 10);
      fragSum[pct] += fragMilli[j];
      ratioSum[pct] += idle == 0 ? 0 : 100 * fragMilli[j] / idle;
      n[pct]++;
    }
    double[] alloc = new double[COLUMNS];
    double[] frag = new double[COLUMNS];
    double[] ratio = new double[COLUMNS];
    for (int k = 0; k < COLUMNS; k++) {
      int lo = n[k] > 0 ? k : Math.max(0, k - 1);
      int hi = n[k] > 0 ? k : k + 1;
      double a = 0;
      double f = 0;
      double r = 0;
      int count = 0;
      for (int b = lo; b <= hi; b++) {
        a += allocSum[b];
        f += fragSum[b];
        r += ratioSum[b];
        count += n[b];
      }
      alloc[k] = count == 0 ? Double.NaN : round2(a / count);
      frag[k] = count == 0 ? Double.NaN : round2(100 * (f / count) / 1000 / totalGpus);
      ratio[k] = count == 0 ? Double.NaN : r / count;
    }
    return new Curves(alloc, frag, ratio);
  }

  static double round2(double x) {
    return Math.round(x * 100) / 100.0;
  }
}
