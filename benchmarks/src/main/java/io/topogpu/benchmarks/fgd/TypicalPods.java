package io.topogpu.benchmarks.fgd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * FGD's target workload: the most popular pod types of the original trace with their probabilities
 * (fgd-protocol.md §7.3). Types are sorted by pod count descending (ties: {@link PodType#DESCENDING});
 * the shortest prefix covering ≥ {@code popularityPercent}% of the pods is kept, and
 * {@code p_m = count_m / Σ kept counts}, so the kept p_m sum to 1.
 */
public record TypicalPods(List<Entry> entries, int distinctTypes, int coveredPods, int totalPods) {

  public record Entry(PodType type, int pods, double probability) {}

  public TypicalPods {
    entries = List.copyOf(entries);
  }

  /** Builds the distribution from the trace as loaded (before shuffling and tuning). */
  public static TypicalPods of(List<PodRequest> originalTrace, double popularityPercent) {
    Map<PodType, Long> counts = originalTrace.stream()
        .collect(Collectors.groupingBy(PodType::of, LinkedHashMap::new, Collectors.counting()));
    List<Map.Entry<PodType, Long>> ranked = new ArrayList<>(counts.entrySet());
    ranked.sort(Comparator.<Map.Entry<PodType, Long>>comparingLong(Map.Entry::getValue).reversed()
        .thenComparing(Map.Entry::getKey, PodType.DESCENDING));
    double threshold = popularityPercent / 100.0 * originalTrace.size();
    int kept = 0;
    long covered = 0;
    while (kept < ranked.size() && covered < threshold) {
      covered += ranked.get(kept++).getValue();
    }
    long coveredPods = covered;
    Function<Map.Entry<PodType, Long>, Entry> toEntry =
        e -> new Entry(e.getKey(), e.getValue().intValue(), (double) e.getValue() / coveredPods);
    return new TypicalPods(ranked.subList(0, kept).stream().map(toEntry).toList(), ranked.size(),
        (int) covered, originalTrace.size());
  }
}
