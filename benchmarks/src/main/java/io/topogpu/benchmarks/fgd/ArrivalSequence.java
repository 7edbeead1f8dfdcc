package io.topogpu.benchmarks.fgd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The arrival order of one run (fgd-protocol.md §3.2–3.3): sort by name, Fisher–Yates shuffle, then tune
 * the total GPU request {@code T = Σ milli × count} towards {@code target = tune × capacity}.
 *
 * <ul>
 *   <li>Tune up ({@code T < target}): draw pods uniformly with replacement from the name-sorted original
 *       trace; <b>quirk</b>: stop at the first draw with {@code T + milli > target} (per-GPU milli, not the
 *       total); otherwise append a copy named {@code <name>-tuned-<i>} after all originals and add its total.
 *   <li>Tune down ({@code T > target}): while {@code T > target}, remove the pod at a uniform random
 *       position, whatever its kind.
 * </ul>
 * The result is a pure function of (trace, capacity, tune, random stream).
 */
public final class ArrivalSequence {
  private ArrivalSequence() {}

  public static List<PodRequest> build(List<PodRequest> trace, long capacityMilli, double tune,
      SplittableRandom shuffleRandom, SplittableRandom tuneRandom) {
    List<PodRequest> sorted = sortedByName(trace);
    List<PodRequest> arrivals = new ArrayList<>(sorted);
    shuffle(arrivals, shuffleRandom);
    double target = tune * capacityMilli;
    long total = arrivals.stream().mapToLong(PodRequest::totalGpuMilli).sum();
    if (total < target) {
      for (int i = 0; ; i++) {
        PodRequest candidate = sorted.get(tuneRandom.nextInt(sorted.size()));
        if (total + candidate.gpuMilli() > target) {
          break;
        }
        arrivals.add(candidate.renamed(candidate.name() + "-tuned-" + i));
        total += candidate.totalGpuMilli();
      }
    } else {
      while (total > target) {
        total -= arrivals.remove(tuneRandom.nextInt(arrivals.size())).totalGpuMilli();
      }
    }
    return List.copyOf(arrivals);
  }

  public static List<PodRequest> sortedByName(List<PodRequest> trace) {
    List<PodRequest> sorted = new ArrayList<>(trace);
    sorted.sort(Comparator.comparing(PodRequest::name));
    return sorted;
  }

  /** Fisher–Yates: for i from n−1 down to 1, swap i with a uniform j in [0, i]. */
  static <T> void shuffle(List<T> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      Collections.swap(list, i, random.nextInt(i + 1));
    }
  }

  /**
   * Node ranks (§3.4): with nodes sorted by name, the node at sorted position i gets rank perm[i] of a
   * uniform permutation. Returned indexed by position in {@code nodeNamesSorted}.
   */
  public static int[] ranks(int nodeCount, SplittableRandom random) {
    List<Integer> perm = new ArrayList<>(nodeCount);
    for (int i = 0; i < nodeCount; i++) {
      perm.add(i);
    }
    shuffle(perm, random);
    return perm.stream().mapToInt(Integer::intValue).toArray();
  }
}
