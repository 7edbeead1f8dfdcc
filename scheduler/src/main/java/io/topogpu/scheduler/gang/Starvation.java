package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.model.PodInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The starvation rule. A gang <em>starves</em> when it is not planned, has pending members, its
 * last rejection was resolvable (it would fit were other pods gone), and its first filter was at
 * least {@code after} ago. The starving gang of highest priority (the highest {@code spec.priority}
 * among its pending members), then the oldest (first filter, then key), gets a {@link
 * GangHold} on its target nodes ({@link GangPlanner#holdTarget}: within one domain, the shortest
 * run of its freest nodes that could take the gang emptied); at most one hold exists, so
 * holds never compete. A hold lasts until its gang is planned (its reservation then protects it),
 * has no pending member, or is gone; then the next starving gang may take one. A starving gang of
 * strictly higher priority takes the hold over from a lower one (so holds only ever move up in
 * priority). The target is fixed when the hold is taken: a held node stays held while its gang
 * waits.
 */
final class Starvation {
  private final GangPlanner planner;
  private final Duration after;

  Starvation(GangPlanner planner, Duration after) {
    this.planner = planner;
    this.after = after;
  }

  /** The hold to keep ({@code current} when still due), or a new one, or null. */
  GangHold refresh(GangHold current, Map<String, GangState> gangs, Instant now, Ledger ledger) {
    GangState held = current == null ? null : gangs.get(current.gang());
    boolean due = held != null && !held.planned() && !held.pending.isEmpty();
    Optional<GangState> first = gangs.values().stream()
        .filter(st -> !st.planned() && !st.pending.isEmpty()
            && st.lastRejection.map(GangRejection::resolvable).orElse(false)
            && Duration.between(st.firstSeen, now).compareTo(after) >= 0)
        .min(Comparator.comparingInt((GangState st) -> -priority(st))
            .thenComparing(st -> st.firstSeen).thenComparing(st -> st.gang.key()));
    if (due && (first.isEmpty() || priority(first.get()) <= priority(held))) {
      return current;
    }
    if (first.isEmpty()) {
      return null;
    }
    GangState st = first.get();
    PodInfo member = st.pending.values().iterator().next();
    return planner.holdTarget(st.request(member, ledger), ledger.nodes())
        .map(nodes -> new GangHold(st.gang.key(), new TreeSet<>(nodes), now))
        .orElse(due ? current : null);
  }

  /** A gang's priority: the highest of its pending members'. */
  static int priority(GangState st) {
    return st.pending.values().stream().mapToInt(PodInfo::priority).max().orElse(0);
  }
}
