package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.AllocationConflict;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GangPlan;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The stateful side of gangs, driven by the extender in kube-scheduler's call order: {@link
 * #filter} for each member, {@link #arriveAtBind} from each member's bind, {@link #memberDeleted}
 * from the pod informer, {@link #expireOverdue} from a periodic timer, {@link #recover} once after
 * the ledger is rebuilt. No HTTP or Kubernetes types; time comes from an injected clock.
 *
 * <p><b>Plan whole, reserve, follow.</b> The first member filtered plans every member not yet
 * bound ({@link GangPlanner}) over its candidate nodes and reserves all of the plan in the ledger
 * under the ledger's lock: the whole gang's capacity or nothing. Each member's filter then
 * returns only its planned node. A member whose planned node is missing from its candidates
 * causes a re-plan of every member neither bound nor waiting at bind; those stay where they are.
 *
 * <p><b>All or nothing.</b> Binds wait at a barrier until bound + waiting members = size; then,
 * under the ledger's lock, every waiting member's reservation becomes an allocation carrying the
 * gang plan, and every bind proceeds. At the deadline (first arrival + {@code bindTimeout}, or
 * planning + {@code planTimeout}, whichever is first), or when a member is deleted, every waiting
 * bind fails, all reservations are released and the members are re-planned when kube-scheduler
 * retries them.
 *
 * <p><b>No deadlock.</b> Reservations are all-or-nothing per gang, so two gangs competing for the
 * same capacity never each hold part of it: the first planned holds all it needs, the other is
 * rejected whole and retried.
 *
 * <p><b>No starvation.</b> When the oldest gang that cannot be placed (resolvably) has waited
 * longer than {@code starvationAfter} since its first filter, one domain is held for it ({@link
 * GangPlanner#holdTarget}): no other pod and no other gang may be placed there ({@link
 * #heldAgainst}), so capacity that frees up there stays free until the gang fits. One gang holds
 * at a time, so holds never block each other; the hold ends when the gang is planned (its
 * reservation takes over) or goes away.
 *
 * <p>Thread-safe: every method takes this object's lock, and the ledger's (after it, never before)
 * where a change must be atomic. Barrier futures complete after both locks are released.
 */
public final class GangCoordinator {
  private final Ledger ledger;
  private final GangPlanner planner;
  private final GangIdentities identities;
  private final GangSettings settings;
  private final InstantSource clock;
  private final Map<String, GangState> gangs = new TreeMap<>();
  private final Map<String, String> gangOfMember = new HashMap<>();
  private final Starvation starvation;
  private final GangListener listener;
  private GangHold hold;

  public GangCoordinator(Ledger ledger, GangPlanner planner, GangIdentities identities, GangSettings settings,
      InstantSource clock) {
    this(ledger, planner, identities, settings, clock, GangListener.NONE);
  }

  /** @param listener told of plans, arrivals, starts and releases (events, metrics) */
  public GangCoordinator(Ledger ledger, GangPlanner planner, GangIdentities identities, GangSettings settings,
      InstantSource clock, GangListener listener) {
    this.listener = listener;
    this.ledger = ledger;
    this.planner = planner;
    this.identities = identities;
    this.settings = settings;
    this.clock = clock;
    this.starvation = new Starvation(planner, settings.starvationAfter());
  }

  /** The gang part of filtering {@code pod} against {@code candidates} (node names). */
  public GangFilterResult filter(PodInfo pod, Collection<String> candidates) {
    GangResolution r = identities.resolve(pod);
    if (r instanceof GangResolution.Unresolved u) {
      return new GangFilterResult.Unresolved(u.gang(), u.message());
    }
    if (!(r instanceof GangResolution.Member m)) {
      return GangFilterResult.SINGLE;
    }
    List<Runnable> after = new ArrayList<>();
    GangFilterResult result;
    synchronized (this) {
      result = filter(m.gang(), pod, candidates, after);
    }
    if (result instanceof GangFilterResult.Rejected rejected) {
      after.add(() -> listener.rejected(m.gang(), List.of(pod.key()), rejected.rejection().reason()));
    }
    after.forEach(Runnable::run);
    return result;
  }

  private GangFilterResult filter(GangIdentity gang, PodInfo pod, Collection<String> candidates, List<Runnable> after) {
    GangState st = gangs.computeIfAbsent(gang.key(), k -> new GangState(gang, clock.instant()));
    if (st.gang.size() != gang.size()) {
      return rejected(st, "gang " + st.gang.key() + " has size " + st.gang.size() + " but pod " + pod.key()
          + " says " + gang.size(), false);
    }
    gangOfMember.put(pod.key(), st.gang.key());
    if (st.bound.containsKey(pod.key())) {
      return planned(st, st.bound.get(pod.key()));
    }
    st.pending.put(pod.key(), pod);
    Optional<String> slot = st.slotOf(pod.key()).or(() -> st.claim(pod));
    if (slot.isPresent() && (st.arrived.containsKey(pod.key())
        || candidates.contains(st.slots.get(slot.get()).node()))) {
      return planned(st, st.slots.get(slot.get()));
    }
    return replan(st, pod, candidates, after);
  }

  /**
   * Member {@code podKey} reached bind for {@code node}. The future completes with the member's
   * devices (carrying the gang plan, for the {@code topogpu.io/gpus} annotation) once the whole
   * gang has arrived, or fails with {@link GangBindException}.
   */
  public CompletableFuture<Assignment> arriveAtBind(String podKey, String node) {
    List<Runnable> after = new ArrayList<>();
    CompletableFuture<Assignment> f;
    synchronized (this) {
      f = arrive(podKey, node, after);
    }
    after.forEach(Runnable::run);
    return f;
  }

  private CompletableFuture<Assignment> arrive(String podKey, String node, List<Runnable> after) {
    GangState st = Optional.ofNullable(gangOfMember.get(podKey)).map(gangs::get).orElse(null);
    Optional<String> slot = st == null ? Optional.empty() : st.slotOf(podKey);
    if (slot.isEmpty() || !st.slots.get(slot.get()).node().equals(node)) {
      return CompletableFuture.failedFuture(new GangBindException("pod " + podKey + " has no gang plan on node "
          + node + "; it will be filtered again"));
    }
    CompletableFuture<Assignment> f = st.arrived.computeIfAbsent(podKey, k -> new CompletableFuture<>());
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

  /** Every member is here: reservations become allocations carrying the plan, all binds go. */
  private void open(GangState st, List<Runnable> after) {
    Map<String, String> nodes = new TreeMap<>();
    st.bound.forEach((k, a) -> nodes.put(name(k), a.node()));
    st.arrived.keySet().forEach(k -> nodes.put(name(k), st.slots.get(st.claims.get(k)).node()));
    GangPlan plan = new GangPlan(st.gang.name(), st.gang.size(), nodes);
    Map<String, Assignment> granted = new LinkedHashMap<>();
    synchronized (ledger) {
      try {
        for (String k : st.arrived.keySet()) {
          String slot = st.claims.get(k);
          Assignment a = st.slots.get(slot).withGang(plan);
          ledger.convertReservation(GangState.owner(slot), k, a);
          granted.put(k, a);
        }
      } catch (AllocationConflict e) {
        granted.keySet().forEach(ledger::release);
        fail(st, "gang " + st.gang.key() + ": " + e.getMessage(), after, false);
        return;
      }
    }
    Map<String, CompletableFuture<Assignment>> waiting = new LinkedHashMap<>(st.arrived);
    st.bound.putAll(granted);
    granted.keySet().forEach(st.pending::remove);
    st.arrived.clear();
    st.clearPlan();
    waiting.forEach((k, f) -> after.add(() -> f.complete(granted.get(k))));
    List<String> members = List.copyOf(st.bound.keySet());
    Duration took = Duration.between(st.firstSeen, clock.instant());
    after.add(() -> listener.started(st.gang, members, took));
  }

  /**
   * The API bind of {@code podKey}, granted at the barrier, failed: the member counts as not
   * placed again and is re-planned next to the others when kube-scheduler retries it. The caller
   * releases its ledger allocation. (The other members may already be bound: an API failure after
   * the barrier opened is the one case where a gang runs partly, until the retry lands.)
   */
  public synchronized void bindFailed(String podKey) {
    GangState st = Optional.ofNullable(gangOfMember.get(podKey)).map(gangs::get).orElse(null);
    if (st != null) {
      st.bound.remove(podKey);
    }
  }

  /** Gangs holding a plan whose members have not all reached bind (the waiting-gangs gauge). */
  public synchronized int waitingGangs() {
    return (int) gangs.values().stream().filter(st -> st.planned() || !st.arrived.isEmpty()).count();
  }

  /**
   * A member's pod is gone (deleted, or finished). If its gang is planned, the plan fails whole:
   * waiting binds fail, reservations are released, the others are re-planned when retried. The
   * ledger allocation of a bound member is released by whoever tracks pods, not here.
   */
  public void memberDeleted(String podKey) {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      String key = gangOfMember.remove(podKey);
      GangState st = key == null ? null : gangs.get(key);
      if (st == null) {
        return;
      }
      if (st.planned()) {
        fail(st, "gang " + key + ": member " + podKey + " was deleted; the gang will be planned again", after,
            false);
      }
      st.pending.remove(podKey);
      st.bound.remove(podKey);
      if (st.pending.isEmpty() && st.bound.isEmpty()) {
        gangs.remove(key);
      }
      refreshHold();
    }
    after.forEach(Runnable::run);
  }

  /** Fails gangs past their deadline and updates the starvation hold. Call periodically. */
  public void expireOverdue() {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      Instant now = clock.instant();
      for (GangState st : gangs.values()) {
        if (st.planned() && !now.isBefore(st.deadline)) {
          fail(st, "gang " + st.gang.key() + ": " + (st.arrived.size() + st.bound.size()) + " of " + st.gang.size()
              + " members reached bind in time; released, the gang will be planned again", after, true);
        }
      }
      refreshHold();
    }
    after.forEach(Runnable::run);
  }

  /**
   * Why {@code node} may not take {@code pod} because it is held for a starving gang the pod is
   * not part of; empty when it may. For single pods at filter.
   */
  public synchronized Optional<Rejection> heldAgainst(PodInfo pod, String node) {
    return hold == null ? Optional.empty() : hold.against(gangOfMember.get(pod.key()), node);
  }

  /** The current starvation hold, if any. */
  public synchronized Optional<GangHold> hold() {
    return Optional.ofNullable(hold);
  }

  /**
   * After a restart, once the ledger is rebuilt from the pods' {@code topogpu.io/gpus}
   * annotations: bound members of gangs (annotation with a {@code gang} part) are known again, so
   * pending members are planned around them and the barrier counts them. Nothing is reserved.
   */
  public synchronized void recover(Collection<PodInfo> pods) {
    for (PodInfo p : pods.stream().sorted(Comparator.comparing(PodInfo::key)).toList()) {
      if (!p.holdsGpus() || p.assignment().flatMap(Assignment::gang).isEmpty()) {
        continue;
      }
      GangPlan g = p.assignment().get().gang().get();
      GangIdentity id = identities.resolve(p) instanceof GangResolution.Member m
          ? m.gang() : new GangIdentity(p.namespace(), g.name(), g.size(), GangSource.TOPOGPU);
      GangState st = gangs.computeIfAbsent(id.key(), k -> new GangState(id, clock.instant()));
      st.bound.put(p.key(), p.assignment().get());
      gangOfMember.put(p.key(), id.key());
    }
  }

  /**
   * Plans every member neither bound nor at bind, next to those that are. A rejection drops the
   * whole plan (members at bind fail too), so a gang never holds part of its capacity.
   */
  private GangFilterResult replan(GangState st, PodInfo pod, Collection<String> candidates, List<Runnable> after) {
    int open = st.gang.size() - st.bound.size() - st.arrived.size();
    if (open <= 0) {
      return rejected(st, "gang " + st.gang.key() + " already has all " + st.gang.size()
          + " members placed; pod " + pod.key() + " is one too many", false);
    }
    GangRequest request = st.request(pod, ledger);
    List<PodInfo> members = request.members();
    Set<String> allowed = new TreeSet<>(candidates);
    synchronized (ledger) {
      releaseSlots(st, k -> !st.arrived.containsKey(k));
      List<NodeState> view = ledger.nodes().stream()
          .filter(n -> allowed.contains(n.name()) && !heldForOther(st, n.name()))
          .toList();
      GangPlanResult result = planner.plan(request, view);
      if (result instanceof GangRejection r) {
        fail(st, r.reason(), after, false);
        st.lastRejection = Optional.of(r);
        refreshHold();
        return new GangFilterResult.Rejected(r);
      }
      GangPlacement placement = (GangPlacement) result;
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
      st.lastRejection = Optional.empty();
      boolean replanned = st.plans++ > 0;
      Map<String, String> nodes = new TreeMap<>();
      st.bound.forEach((k, a) -> nodes.put(k, a.node()));
      st.claims.forEach((k, slot) -> nodes.put(k, st.slots.get(slot).node()));
      after.add(() -> listener.planned(st.gang, nodes, placement.level(), placement.domain(), replanned));
    }
    refreshHold();
    return planned(st, st.slots.get(pod.key()));
  }

  /** Drops the plan: fails waiting binds, releases every reservation. Keeps bound members. */
  private void fail(GangState st, String why, List<Runnable> after, boolean timedOut) {
    boolean hadPlan = st.planned() || !st.arrived.isEmpty();
    List<String> members = List.copyOf(st.pending.keySet());
    if (hadPlan) {
      after.add(() -> listener.released(st.gang, members, why, timedOut));
    }
    Map<String, CompletableFuture<Assignment>> waiting = new LinkedHashMap<>(st.arrived);
    st.arrived.clear();
    synchronized (ledger) {
      releaseSlots(st, k -> true);
    }
    st.clearPlan();
    waiting.values().forEach(f -> after.add(() -> f.completeExceptionally(new GangBindException(why))));
  }

  /** Releases the reservations of the slots not claimed by a member matching {@code release}. */
  private void releaseSlots(GangState st, java.util.function.Predicate<String> release) {
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

  private boolean heldForOther(GangState st, String node) {
    return hold != null && hold.against(st.gang.key(), node).isPresent();
  }

  private void refreshHold() {
    hold = starvation.refresh(hold, gangs, clock.instant(), ledger);
  }

  private GangFilterResult planned(GangState st, Assignment a) {
    return new GangFilterResult.Planned(st.gang.key(), a.node(), a);
  }

  private GangFilterResult rejected(GangState st, String reason, boolean resolvable) {
    return new GangFilterResult.Rejected(new GangRejection(st.gang.key(), reason, resolvable));
  }

  private static String name(String podKey) {
    return podKey.substring(podKey.indexOf('/') + 1);
  }
}
