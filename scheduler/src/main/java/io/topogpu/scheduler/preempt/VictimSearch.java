package io.topogpu.scheduler.preempt;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The cheapest set of eviction units ({@link VictimCost} order) whose eviction makes {@code
 * feasible} true. Assumes feasibility is monotone: evicting more never hurts (true of GPU
 * placement, where evicting only frees devices).
 *
 * <ol>
 *   <li>the lowest priority level {@code L} such that evicting every unit of priority ≤ {@code L}
 *       is feasible fixes the highest victim priority (none: the node cannot be made to fit);
 *   <li>among units of priority ≤ {@code L}: every subset, cheapest first, when there are at most
 *       {@value #MAX_EXHAUSTIVE}; beyond that, all of them trimmed greedily (drop the costliest
 *       unit while still feasible), which is not proven cheapest but never infeasible.
 * </ol>
 *
 * Ties in cost go to the subset whose units come first in (priority, id) order, so the answer is
 * deterministic. Each feasibility call is one placement check; the search makes at most
 * {@code levels + 2^MAX_EXHAUSTIVE} of them, usually a handful.
 */
public final class VictimSearch {
  /** Most candidate units searched exhaustively (2^12 subsets). */
  public static final int MAX_EXHAUSTIVE = 12;

  private VictimSearch() {}

  /** The chosen units and their cost. */
  public record Choice(List<EvictionUnit> units, VictimCost cost, boolean proven) {
    public Choice {
      units = List.copyOf(units);
    }
  }

  public static Optional<Choice> cheapest(
      List<EvictionUnit> candidates, Predicate<List<EvictionUnit>> feasible, Instant now) {
    return cheapest(candidates, feasible, now, Bound.NONE);
  }

  /**
   * A necessary condition that spares feasibility checks: a subset can only be feasible when the
   * units' {@code frees} add up to at least {@code needed}; {@code frees} must never undercount.
   */
  public record Bound(ToDoubleFunction<EvictionUnit> frees, double needed) {
    public static final Bound NONE = new Bound(u -> 0, 0);

    boolean excludes(List<EvictionUnit> units) {
      if (needed <= 0) {
        return false;
      }
      double sum = 0;
      for (EvictionUnit u : units) {
        sum += frees.applyAsDouble(u);
      }
      return sum < needed;
    }
  }

  /** {@link #cheapest(List, Predicate, Instant)}, skipping subsets {@code bound} excludes. */
  public static Optional<Choice> cheapest(List<EvictionUnit> candidates,
      Predicate<List<EvictionUnit>> checked, Instant now, Bound bound) {
    Predicate<List<EvictionUnit>> feasible = u -> !bound.excludes(u) && checked.test(u);
    if (feasible.test(List.of())) {
      return Optional.of(new Choice(List.of(), VictimCost.NONE, true));
    }
    List<EvictionUnit> units = new ArrayList<>(candidates);
    units.sort(Comparator.comparingInt(EvictionUnit::priority).thenComparing(EvictionUnit::id));
    int upTo = -1;
    for (int i = 0; i < units.size(); i++) {
      boolean levelEnds = i + 1 == units.size() || units.get(i + 1).priority() != units.get(i).priority();
      if (levelEnds && feasible.test(units.subList(0, i + 1))) {
        upTo = i + 1;
        break;
      }
    }
    if (upTo < 0) {
      return Optional.empty();
    }
    List<EvictionUnit> eligible = List.copyOf(units.subList(0, upTo));
    return Optional.of(
        eligible.size() <= MAX_EXHAUSTIVE
            ? exhaustive(eligible, feasible, now)
            : greedy(eligible, feasible, now));
  }

  private static Choice exhaustive(
      List<EvictionUnit> units, Predicate<List<EvictionUnit>> feasible, Instant now) {
    int top = units.get(units.size() - 1).priority();
    int n = units.size();
    List<Candidate> subsets = new ArrayList<>();
    for (int mask = 1; mask < 1 << n; mask++) {
      List<EvictionUnit> picked = pick(units, mask);
      VictimCost cost = VictimCost.of(picked, now);
      if (cost.maxPriority() == top) { // lower-only subsets are infeasible (step 1)
        subsets.add(new Candidate(mask, picked, cost));
      }
    }
    subsets.sort(Comparator.comparing(Candidate::cost).thenComparingLong(c -> -(Integer.reverse(c.mask) & 0xffffffffL)));
    for (Candidate c : subsets) {
      if (feasible.test(c.units)) {
        return new Choice(c.units, c.cost, true);
      }
    }
    throw new IllegalStateException("evicting every unit up to priority " + top + " was feasible");
  }

  /** Every eligible unit, then drops the costliest ones while the rest stays feasible. */
  private static Choice greedy(
      List<EvictionUnit> units, Predicate<List<EvictionUnit>> feasible, Instant now) {
    List<EvictionUnit> kept = new ArrayList<>(units);
    List<EvictionUnit> costliest = new ArrayList<>(units);
    costliest.sort(
        Comparator.comparingInt(EvictionUnit::priority)
            .thenComparingInt((EvictionUnit u) -> u.pods().size())
            .thenComparingDouble(u -> u.gpuHoursLost(now))
            .reversed());
    for (EvictionUnit u : costliest) {
      kept.remove(u);
      if (!feasible.test(kept)) {
        kept.add(u);
      }
    }
    kept.sort(Comparator.comparingInt(EvictionUnit::priority).thenComparing(EvictionUnit::id));
    return new Choice(kept, VictimCost.of(kept, now), false);
  }

  private static List<EvictionUnit> pick(List<EvictionUnit> units, int mask) {
    List<EvictionUnit> out = new ArrayList<>(Integer.bitCount(mask));
    for (int i = 0; i < units.size(); i++) {
      if ((mask & 1 << i) != 0) {
        out.add(units.get(i));
      }
    }
    return out;
  }

  private record Candidate(int mask, List<EvictionUnit> units, VictimCost cost) {}
}
