package io.topogpu.benchmarks.fgd;

import java.util.Comparator;

/**
 * The key of the FGD target workload (fgd-protocol.md §7.3): (cpu, milli, count, raw GPU-type string).
 * Memory is deliberately not part of it; CPU-only pods have milli = count = 0 and no type.
 */
public record PodType(long cpuMilli, int gpuMilli, int gpuCount, String gpuType) {

  /** Descending lexicographic order on (cpu, milli, count, typeString): the tie-break of §7.3 step 2. */
  public static final Comparator<PodType> DESCENDING = Comparator.comparingLong(PodType::cpuMilli)
      .thenComparingInt(PodType::gpuMilli)
      .thenComparingInt(PodType::gpuCount)
      .thenComparing(PodType::gpuType)
      .reversed();

  public static PodType of(PodRequest pod) {
    return new PodType(pod.cpuMilli(), pod.gpuMilli(), pod.gpuCount(), pod.gpuType());
  }
}
