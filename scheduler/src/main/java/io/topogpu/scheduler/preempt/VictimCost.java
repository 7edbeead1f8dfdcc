package io.topogpu.scheduler.preempt;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;

/**
 * The cost of evicting a set of units, compared in this order: the highest victim priority (lower
 * is cheaper: a pod is only evicted when nothing of lower priority would do), then the number of
 * pods evicted (a gang counts all its members), then the GPU-hours of work lost.
 */
public record VictimCost(int maxPriority, int pods, double gpuHoursLost)
    implements Comparable<VictimCost> {

  /** Evicting nothing. */
  public static final VictimCost NONE = new VictimCost(Integer.MIN_VALUE, 0, 0);

  private static final Comparator<VictimCost> ORDER =
      Comparator.comparingInt(VictimCost::maxPriority)
          .thenComparingInt(VictimCost::pods)
          .thenComparingDouble(VictimCost::gpuHoursLost);

  public static VictimCost of(Collection<EvictionUnit> units, Instant now) {
    if (units.isEmpty()) {
      return NONE;
    }
    int max = Integer.MIN_VALUE;
    int pods = 0;
    double hours = 0;
    for (EvictionUnit u : units) {
      max = Math.max(max, u.priority());
      pods += u.pods().size();
      hours += u.gpuHoursLost(now);
    }
    return new VictimCost(max, pods, hours);
  }

  @Override
  public int compareTo(VictimCost o) {
    return ORDER.compare(this, o);
  }
}
