package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One gang's coordination state; mutable, touched only under the {@link GangCoordinator}'s lock
 * (by it, {@link GangReservations} and {@link GangBarrier}).
 *
 * <p>A plan is a set of <em>slots</em>, one per member not yet bound: a slot is keyed by the
 * member's pod key when the member was known at planning, else by a placeholder key {@code
 * namespace/gang#i} (planned like the member that triggered planning) that the next compatible
 * member to be filtered claims. Every slot's devices are reserved in the ledger under {@link
 * #owner}. Invariant: {@code bound + slots = size} while planned, {@code slots} empty otherwise.
 */
final class GangState {
  final GangIdentity gang;
  final Instant firstSeen;
  /** Known members not bound yet (arrived ones included), by key. */
  final Map<String, PodInfo> pending = new TreeMap<>();
  /** Bound members' devices, by member key; held as allocations in the ledger. */
  final Map<String, Assignment> bound = new TreeMap<>();
  /** Slot key → reserved devices. */
  final Map<String, Assignment> slots = new LinkedHashMap<>();
  /** Slot key → the pod it was planned as (a member, or a placeholder copy). */
  final Map<String, PodInfo> slotPods = new LinkedHashMap<>();
  /** Member key → the slot it claimed. */
  final Map<String, String> claims = new LinkedHashMap<>();
  /** Members waiting at the bind barrier. */
  final Map<String, CompletableFuture<GangStart>> arrived = new LinkedHashMap<>();
  /** When the plan is dropped unless every member has reached bind; null when not planned. */
  Instant deadline;
  Optional<GangRejection> lastRejection = Optional.empty();
  /** How many plans were made; a plan after the first is a re-plan. */
  int plans;
  /** Next placeholder number; never reused, so a new plan's slots never collide with kept ones. */
  private int nextPlaceholder;

  GangState(GangIdentity gang, Instant firstSeen) {
    this.gang = gang;
    this.firstSeen = firstSeen;
  }

  boolean planned() {
    return !slots.isEmpty();
  }

  /** The name part of a pod key ({@code namespace/name}). */
  static String podName(String podKey) {
    return podKey.substring(podKey.indexOf('/') + 1);
  }

  /** The ledger reservation owner of a slot. */
  static String owner(String slot) {
    return "gang:" + slot;
  }

  Optional<String> slotOf(String member) {
    return Optional.ofNullable(claims.get(member));
  }

  /** Claims a free slot planned for the same request and constraints as {@code member}. */
  Optional<String> claim(PodInfo member) {
    for (var e : slotPods.entrySet()) {
      PodInfo t = e.getValue();
      if (!claims.containsValue(e.getKey()) && t.request().equals(member.request())
          && t.placement().equals(member.placement())) {
        claims.put(member.key(), e.getKey());
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  /**
   * What to plan: {@code first}, the other known members neither bound nor at bind, and
   * placeholders planned like {@code first} up to the gang's size; bound and waiting members fixed.
   */
  GangRequest request(PodInfo first, Ledger ledger) {
    int open = gang.size() - bound.size() - arrived.size();
    List<PodInfo> members = new ArrayList<>();
    members.add(first);
    pending.values().stream()
        .filter(p -> !p.key().equals(first.key()) && !arrived.containsKey(p.key()))
        .limit(Math.max(0, open - 1)).forEach(members::add);
    while (members.size() < open) {
      members.add(new PodInfo(first.namespace(), gang.name() + "#" + nextPlaceholder++, "", Map.of(), Map.of(),
          first.request(), first.placement(), Optional.empty(), Optional.empty(), "Pending"));
    }
    Map<String, ClusterNode> fixed = new LinkedHashMap<>();
    bound.forEach((k, a) -> ledger.node(a.node()).ifPresent(n -> fixed.put(k, n.node())));
    arrived.keySet().forEach(k -> ledger.node(slots.get(claims.get(k)).node()).ifPresent(n -> fixed.put(k, n.node())));
    return new GangRequest(gang, members, fixed);
  }

  void clearPlan() {
    slots.clear();
    slotPods.clear();
    claims.clear();
    deadline = null;
  }
}
