package io.topogpu.scheduler.placement;

import io.topogpu.topology.objective.SetValue;
import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.scheduler.model.Shape;
import io.topogpu.topology.model.NodeTopology;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the best set of {@code k} free GPUs of a node under the {@link SetValue} objective.
 *
 * <p>Up to {@link #EXHAUSTIVE_LIMIT} GPUs the search is exhaustive: every k-subset of the free GPUs
 * that satisfies the constraint is a candidate (at most C(16,8) = 12,870), pruned only where no
 * extension can win: the bottleneck of a set is at most the bottleneck of any of its subsets, so a
 * partial set whose pairs already fall below the best complete set's bottleneck is abandoned. The
 * result is the exact optimum.
 *
 * <p>Above the limit a greedy heuristic: from every free GPU as a seed, add the free GPU with the
 * best (min bandwidth to the set, then sum of bandwidth to the set, then same NUMA group as the
 * seed, then lowest index) until k are chosen; keep the best of the seeded sets by the objective.
 * Cost O(n² k). On uniform NVSwitch nodes (every known shape above 16 GPUs) every seeded set has
 * the best bandwidth, so only the NUMA and block tie-breaks decide; elsewhere it is a heuristic,
 * not a guarantee.
 *
 * <p>Constraints: {@link LinkConstraint#NVLINK} admits only sets inside one NVLink domain, {@link
 * LinkConstraint#NUMA} only sets inside one NUMA group; a single GPU satisfies both (it has no peer
 * to talk to).
 *
 * <p>Results are memoised on (shape, free mask, k, constraint) in a bounded LRU map, so nodes of
 * one model with the same free GPUs cost one search. Thread-safe.
 */
public final class GpuSetChooser {
  public static final int EXHAUSTIVE_LIMIT = 16;

  private record Key(Shape shape, long free, int k, LinkConstraint constraint) {}

  private final Map<Key, Optional<GpuSet>> memo;

  public GpuSetChooser(int cacheEntries) {
    if (cacheEntries < 0) {
      throw new IllegalArgumentException("cache entries must be >= 0, got " + cacheEntries);
    }
    this.memo = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Optional<GpuSet>> eldest) {
        return size() > cacheEntries;
      }
    });
  }

  /**
   * The best k-subset of {@code free} on topology {@code t} (of shape {@code shape}) satisfying
   * {@code constraint}; empty when none exists.
   */
  public Optional<GpuSet> choose(NodeTopology t, Shape shape, long free, int k, LinkConstraint constraint) {
    Key key = new Key(shape, free, k, constraint);
    Optional<GpuSet> hit = memo.get(key);
    if (hit != null) {
      return hit;
    }
    Optional<GpuSet> result = Long.bitCount(free) < k || k < 1
        ? Optional.empty()
        : t.gpuCount() <= EXHAUSTIVE_LIMIT ? exhaustive(t, free, k, constraint) : greedy(t, free, k, constraint);
    memo.put(key, result);
    return result;
  }

  /** Number of memoised results (for tests of the memo). */
  public int cached() {
    return memo.size();
  }

  private static boolean compatible(NodeTopology t, int first, int g, int k, LinkConstraint c) {
    if (k < 2) {
      return true;
    }
    return switch (c) {
      case NONE -> true;
      case NVLINK -> t.nvlinkDomainOf(first) >= 0 && t.nvlinkDomainOf(first) == t.nvlinkDomainOf(g);
      case NUMA -> t.numaGroupOf(first) == t.numaGroupOf(g);
    };
  }

  private Optional<GpuSet> exhaustive(NodeTopology t, long free, int k, LinkConstraint c) {
    int[] candidates = GpuSet.indices(free).stream().mapToInt(Integer::intValue).toArray();
    Search s = new Search(t, free, k, c, candidates);
    s.extend(0, 0L, 0, Long.MAX_VALUE);
    return Optional.ofNullable(s.best).map(v -> new GpuSet(v.mask(), v));
  }

  /** Depth-first enumeration of k-subsets in index order with bottleneck pruning. */
  private static final class Search {
    final NodeTopology t;
    final long free;
    final int k;
    final LinkConstraint c;
    final int[] candidates;
    SetValue best;

    Search(NodeTopology t, long free, int k, LinkConstraint c, int[] candidates) {
      this.t = t;
      this.free = free;
      this.k = k;
      this.c = c;
      this.candidates = candidates;
    }

    void extend(int from, long set, int size, long minBw) {
      if (size == k) {
        SetValue v = SetValue.of(t, set, free);
        if (best == null || v.betterThan(best)) {
          best = v;
        }
        return;
      }
      int first = size == 0 ? -1 : Long.numberOfTrailingZeros(set);
      for (int i = from; i <= candidates.length - (k - size); i++) {
        int g = candidates[i];
        if (first >= 0 && !compatible(t, first, g, k, c)) {
          continue;
        }
        long m = minBw;
        for (long rest = set; rest != 0; rest &= rest - 1) {
          m = Math.min(m, SetValue.mbps(t, Long.numberOfTrailingZeros(rest), g));
        }
        if (best != null && size >= 1 && m < best.bottleneck()) {
          continue;
        }
        extend(i + 1, set | (1L << g), size + 1, m);
      }
    }
  }

  private Optional<GpuSet> greedy(NodeTopology t, long free, int k, LinkConstraint c) {
    SetValue best = null;
    for (int seed : GpuSet.indices(free)) {
      long set = 1L << seed;
      for (int size = 1; size < k; size++) {
        int pick = -1;
        long pickMin = -1;
        long pickSum = -1;
        boolean pickNuma = false;
        for (int g : GpuSet.indices(free & ~set)) {
          if (!compatible(t, seed, g, k, c)) {
            continue;
          }
          long min = Long.MAX_VALUE;
          long sum = 0;
          for (int h : GpuSet.indices(set)) {
            long bw = SetValue.mbps(t, g, h);
            min = Math.min(min, bw);
            sum += bw;
          }
          boolean numa = t.numaGroupOf(g) == t.numaGroupOf(seed);
          if (min > pickMin || (min == pickMin && (sum > pickSum || (sum == pickSum && numa && !pickNuma)))) {
            pick = g;
            pickMin = min;
            pickSum = sum;
            pickNuma = numa;
          }
        }
        if (pick < 0) {
          set = 0;
          break;
        }
        set |= 1L << pick;
      }
      if (set != 0) {
        SetValue v = SetValue.of(t, set, free);
        if (best == null || v.betterThan(best)) {
          best = v;
        }
      }
    }
    return Optional.ofNullable(best).map(v -> new GpuSet(v.mask(), v));
  }
}
