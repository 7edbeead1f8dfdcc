package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GangPlan;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Rejection;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
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
 * gang plan, and every waiting bind gets the same {@link GangStart}: the adapter writes them as a
 * whole (every member's devices recorded, then every binding posted, or none), and reports a
 * member that could not be written with {@link #bindFailed}. At the deadline (first arrival +
 * {@code bindTimeout}, or planning + {@code planTimeout}, whichever is first), or when a member is
 * deleted, every waiting bind fails, all reservations are released and the members are re-planned
 * when kube-scheduler retries them.
 *
 * <p><b>No deadlock.</b> Reservations are all-or-nothing per gang, so two gangs competing for the
 * same capacity never each hold part of it: the first planned holds all it needs, the other is
 * rejected whole and retried.
 *
 * <p><b>No starvation.</b> When the oldest gang that cannot be placed (resolvably) has waited
 * longer than {@code starvationAfter} since its first filter, the fewest, freest nodes of one
 * domain that could take it are held for it ({@link GangPlanner#holdTarget}): no other pod and no
 * other gang may be placed there ({@link #heldAgainst}), so capacity that frees up there stays free
 * until the gang fits; the domain's other nodes stay open. One gang holds
 * at a time, so holds never block each other; the hold ends when the gang is planned (its
 * reservation takes over) or goes away.
 *
 * <p>Parts: {@link GangReservations} plans and reserves (and drops plans), {@link GangBarrier}
 * holds binds until the gang is whole, {@link Starvation} picks the hold; this class keeps the
 * gangs and their members, and the lock.
 *
 * <p>Thread-safe: every method takes this object's lock, and the ledger's (after it, never before)
 * where a change must be atomic. Barrier futures and listeners run after both locks are released.
 */
public final class GangCoordinator {
  private final Ledger ledger;
  private final GangIdentities identities;
  private final InstantSource clock;
  private final Map<String, GangState> gangs = new TreeMap<>();
  private final Map<String, String> gangOfMember = new HashMap<>();
  private final Starvation starvation;
  private final GangListener listener;
  private final GangReservations reservations;
  private final GangBarrier barrier;
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
    this.identities = identities;
    this.clock = clock;
    this.starvation = new Starvation(planner, settings.starvationAfter());
    this.reservations = new GangReservations(ledger, planner, settings, clock, listener);
    this.barrier = new GangBarrier(ledger, settings, clock, listener, reservations);
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
      return GangReservations.rejected(st, "gang " + st.gang.key() + " has size " + st.gang.size() + " but pod "
          + pod.key() + " says " + gang.size(), false);
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
    GangFilterResult result = reservations.replan(st, pod, candidates,
        node -> hold != null && hold.against(st.gang.key(), node).isPresent(), after);
    refreshHold();
    return result;
  }

  /**
   * Member {@code podKey} reached bind for {@code node}. The future completes once the whole gang
   * has arrived, with the one {@link GangStart} shared by every member waiting at that moment (its
   * devices are then allocated in the ledger, carrying the gang plan), or fails with {@link
   * GangBindException}.
   */
  public CompletableFuture<GangStart> arriveAtBind(String podKey, String node) {
    List<Runnable> after = new ArrayList<>();
    CompletableFuture<GangStart> f;
    synchronized (this) {
      GangState st = Optional.ofNullable(gangOfMember.get(podKey)).map(gangs::get).orElse(null);
      f = barrier.arrive(st, podKey, node, after);
    }
    after.forEach(Runnable::run);
    return f;
  }

  /**
   * The bind of {@code podKey}, granted at the barrier, was not written (its own write failed, or
   * another member's did and so none was bound): the member counts as not placed again and is
   * re-planned next to the bound members when kube-scheduler retries it. The caller releases its
   * ledger allocation.
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
   * ledger allocation of a bound member is released by whoever tracks pods, not here. Telling it
   * twice is harmless: the second time the member is unknown.
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
        reservations.drop(st, "gang " + key + ": member " + podKey + " was deleted; the gang will be planned again",
            after, false);
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
          reservations.drop(st, "gang " + st.gang.key() + ": " + (st.arrived.size() + st.bound.size()) + " of "
              + st.gang.size() + " members reached bind in time; released, the gang will be planned again",
              after, true);
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

  /**
   * The members of {@code member}'s gang still to place (as the next plan would place them), for
   * planning the gang's preemption; empty when the pod's gang is unknown or already planned.
   */
  public synchronized Optional<List<PodInfo>> openMembers(PodInfo member) {
    GangState st = Optional.ofNullable(gangOfMember.get(member.key())).map(gangs::get).orElse(null);
    if (st == null || st.planned()) {
      return Optional.empty();
    }
    return Optional.of(st.request(st.pending.getOrDefault(member.key(), member), ledger).members());
  }

  /**
   * Holds {@code nodes} for {@code member}'s gang while the victims its preemption evicted leave:
   * the same hold as for a starving gang (closed to every other pod and gang, ended when the gang
   * is planned), taken over from a hold of lower priority. False when a hold of equal or higher
   * priority stands for another gang.
   */
  public boolean holdForPreemption(PodInfo member, Set<String> nodes) {
    synchronized (this) {
      GangState st = Optional.ofNullable(gangOfMember.get(member.key())).map(gangs::get).orElse(null);
      if (st == null) {
        return false;
      }
      GangState held = hold == null ? null : gangs.get(hold.gang());
      if (held != null && held != st && Starvation.priority(held) >= Starvation.priority(st)) {
        return false;
      }
      hold = new GangHold(st.gang.key(), new TreeSet<>(nodes), clock.instant());
      return true;
    }
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

  private void refreshHold() {
    hold = starvation.refresh(hold, gangs, clock.instant(), ledger);
  }

  private static GangFilterResult planned(GangState st, Assignment a) {
    return new GangFilterResult.Planned(st.gang.key(), a.node(), a);
  }
}
