package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.AllocationConflict;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GangPlan;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The bind barrier: members wait until bound + waiting = size; then, under the ledger's lock,
 * every waiting member's reservation becomes an allocation carrying the gang plan, and all waiting
 * futures complete with one {@link GangStart}. Called only by {@link GangCoordinator} under its
 * lock (coordinator → ledger); futures complete through {@code after}, once both are released.
 */
final class GangBarrier {
  private final Ledger ledger;
  private final GangSettings settings;
  private final InstantSource clock;
  private final GangListener listener;
  private final GangReservations reservations;

  GangBarrier(Ledger ledger, GangSettings settings, InstantSource clock, GangListener listener,
      GangReservations reservations) {
    this.ledger = ledger;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
    this.reservations = reservations;
  }

  /** Member {@code podKey} of {@code st} (null: no gang known) reached bind for {@code node}. */
  CompletableFuture<GangStart> arrive(GangState st, String podKey, String node, List<Runnable> after) {
    Optional<String> slot = st == null ? Optional.empty() : st.slotOf(podKey);
    if (slot.isEmpty() || !st.slots.get(slot.get()).node().equals(node)) {
      return CompletableFuture.failedFuture(new GangBindException("pod " + podKey + " has no gang plan on node "
          + node + "; it will be filtered again"));
    }
    CompletableFuture<GangStart> f = st.arrived.computeIfAbsent(podKey, k -> new CompletableFuture<>());
    Instant bindDeadline = clock.instant().plus(settings.bindTimeout());
    if (bindDeadline.isBefore(st.deadline)) {
      st.deadline = bindDeadline;
    }
    int ready = st.arrived.size() + st.bound.size();
    if (ready == st.gang.size()) {
      open(st, after);
    } else {
      after.add(() -> listener.waiting(st.gang, podKey, ready, st.gang.size()));
    }
    return f;
  }

  /** Every member is here: reservations become allocations carrying the plan; one start for all. */
  private void open(GangState st, List<Runnable> after) {
    Map<String, String> nodes = new TreeMap<>();
    st.bound.forEach((k, a) -> nodes.put(GangState.podName(k), a.node()));
    st.arrived.keySet().forEach(k -> nodes.put(GangState.podName(k), st.slots.get(st.claims.get(k)).node()));
    GangPlan plan = new GangPlan(st.gang.name(), st.gang.size(), nodes);
    Map<String, GangStart.Member> granted = new LinkedHashMap<>();
    synchronized (ledger) {
      try {
        for (String k : st.arrived.keySet()) {
          String slot = st.claims.get(k);
          Assignment a = st.slots.get(slot).withGang(plan);
          ledger.convertReservation(GangState.owner(slot), k, a);
          granted.put(k, new GangStart.Member(st.pending.get(k), a));
        }
      } catch (AllocationConflict e) {
        granted.keySet().forEach(ledger::release);
        reservations.drop(st, "gang " + st.gang.key() + ": " + e.getMessage(), after, false);
        return;
      }
    }
    GangStart start = new GangStart(st.gang, plan, granted);
    Map<String, CompletableFuture<GangStart>> waiting = new LinkedHashMap<>(st.arrived);
    granted.forEach((k, m) -> st.bound.put(k, m.assignment()));
    granted.keySet().forEach(st.pending::remove);
    st.arrived.clear();
    st.clearPlan();
    waiting.values().forEach(f -> after.add(() -> f.complete(start)));
    List<String> members = List.copyOf(st.bound.keySet());
    Duration took = Duration.between(st.firstSeen, clock.instant());
    after.add(() -> listener.started(st.gang, members, took));
  }
}
