package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.AllocationConflict;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Plans a gang and holds its plan in the ledger as reservations, whole or not at all; drops a plan
 * whole. Called only by {@link GangCoordinator} under its lock; takes the ledger's lock inside
 * that (coordinator → ledger, never the other way), so a plan and its reservations appear to every
 * other ledger writer at once.
 */
final class GangReservations {
  private final Ledger ledger;
  private final GangPlanner planner;
  private final GangSettings settings;
  private final InstantSource clock;
  private final GangListener listener;

  GangReservations(Ledger ledger, GangPlanner planner, GangSettings settings, InstantSource clock,
      GangListener listener) {
    this.ledger = ledger;
    this.planner = planner;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
  }

  /**
   * Plans every member neither bound nor at bind, next to those that are, over {@code candidates}
   * minus the nodes {@code heldForOther}. A rejection drops the whole plan (members at bind fail
   * too), so a gang never holds part of its capacity. Listener calls are queued on {@code after}.
   */
  GangFilterResult replan(GangState st, PodInfo pod, Collection<String> candidates, Predicate<String> heldForOther,
      List<Runnable> after) {
    int open = st.gang.size() - st.bound.size() - st.arrived.size();
    if (open <= 0) {
      return rejected(st, "gang " + st.gang.key() + " already has all " + st.gang.size()
          + " members placed; pod " + pod.key() + " is one too many", false);
    }
    GangRequest request = st.request(pod, ledger);
    Set<String> allowed = new TreeSet<>(candidates);
    synchronized (ledger) {
      releaseSlots(st, k -> !st.arrived.containsKey(k));
      List<NodeState> view = ledger.nodes().stream()
          .filter(n -> allowed.contains(n.name()) && !heldForOther.test(n.name()))
          .toList();
      GangPlanResult result = planner.plan(request, view);
      if (result instanceof GangRejection r) {
        drop(st, r.reason(), after, false);
        st.lastRejection = java.util.Optional.of(r);
        return new GangFilterResult.Rejected(r);
      }
      reserve(st, request.members(), (GangPlacement) result, after);
    }
    Assignment mine = st.slots.get(pod.key());
    return new GangFilterResult.Planned(st.gang.key(), mine.node(), mine);
  }

  private void reserve(GangState st, List<PodInfo> members, GangPlacement placement, List<Runnable> after) {
    Map<String, PodInfo> byKey = new LinkedHashMap<>();
    members.forEach(m -> byKey.put(m.key(), m));
    try {
      placement.assignments().forEach((k, a) -> ledger.reserve(GangState.owner(k), a));
    } catch (AllocationConflict e) {
      placement.assignments().keySet().forEach(k -> ledger.releaseReservations(GangState.owner(k)));
      throw e;
    }
    placement.assignments().forEach((k, a) -> {
      st.slots.put(k, a);
      st.slotPods.put(k, byKey.get(k));
      if (st.pending.containsKey(k)) {
        st.claims.put(k, k);
      }
    });
    if (st.deadline == null) {
      st.deadline = clock.instant().plus(settings.planTimeout());
    }
    st.lastRejection = java.util.Optional.empty();
    boolean replanned = st.plans++ > 0;
    Map<String, String> nodes = new TreeMap<>();
    st.bound.forEach((k, a) -> nodes.put(k, a.node()));
    st.claims.forEach((k, slot) -> nodes.put(k, st.slots.get(slot).node()));
    after.add(() -> listener.planned(st.gang, nodes, placement.level(), placement.domain(), replanned));
  }

  /** Drops the plan: fails waiting binds, releases every reservation. Keeps bound members. */
  void drop(GangState st, String why, List<Runnable> after, boolean timedOut) {
    boolean hadPlan = st.planned() || !st.arrived.isEmpty();
    List<String> members = List.copyOf(st.pending.keySet());
    if (hadPlan) {
      after.add(() -> listener.released(st.gang, members, why, timedOut));
    }
    Map<String, CompletableFuture<GangStart>> waiting = new LinkedHashMap<>(st.arrived);
    st.arrived.clear();
    synchronized (ledger) {
      releaseSlots(st, k -> true);
    }
    st.clearPlan();
    waiting.values().forEach(f -> after.add(() -> f.completeExceptionally(new GangBindException(why))));
  }

  /** Releases the reservations of the slots not claimed by a member matching {@code release}. */
  private void releaseSlots(GangState st, Predicate<String> release) {
    Map<String, String> memberOfSlot = new HashMap<>();
    st.claims.forEach((m, s) -> memberOfSlot.put(s, m));
    for (String slot : List.copyOf(st.slots.keySet())) {
      String member = memberOfSlot.get(slot);
      if (member == null || release.test(member)) {
        ledger.releaseReservations(GangState.owner(slot));
        st.slots.remove(slot);
        st.slotPods.remove(slot);
        if (member != null) {
          st.claims.remove(member);
        }
      }
    }
    if (st.slots.isEmpty()) {
      st.deadline = null;
    }
  }

  static GangFilterResult rejected(GangState st, String reason, boolean resolvable) {
    return new GangFilterResult.Rejected(new GangRejection(st.gang.key(), reason, resolvable));
  }
}
