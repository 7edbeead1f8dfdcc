package io.topogpu.scheduler.preempt;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.NodeEvaluation;
import io.topogpu.scheduler.placement.Placer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Preemption for a whole gang: the domain (a node, a leaf, an NVLink clique... whatever groups the
 * caller passes) where evicting lower-priority pods and gangs makes room for every member at once,
 * at least cost ({@link VictimCost} of everything evicted, whole gangs counted whole).
 *
 * <p>Within a domain, two searches, the cheaper answer kept:
 *
 * <ul>
 *   <li><b>per member</b>: members placed one at a time, largest first, each on the node where the
 *       cheapest victim set ({@link VictimSearch}) makes room for it, on the state left by the
 *       members and evictions before it; greedy across members, exhaustive within each node;
 *   <li><b>whole gang</b>, when the domain's eviction units number at most {@value
 *       VictimSearch#MAX_EXHAUSTIVE}: the cheapest set of units ({@link VictimSearch}, every subset)
 *       after whose eviction every member fits, placed largest first on the first node that takes
 *       it. This finds what the per-member search misses when one gang's eviction frees room on
 *       several nodes at once (two members on the two nodes of one low gang rather than the first
 *       member on a node with one cheap single pod and the second needing the gang anyway).
 * </ul>
 *
 * A domain where neither makes room is infeasible. The gang's priority is its highest member's;
 * only strictly lower pods are victims. The caller chooses the domains ({@link GangDomains}: those
 * of the gang's required level), so every plan keeps the gang inside one of them.
 */
public final class GangPreemptionPlanner {
  private final Placer placer;
  private final Function<PodInfo, Optional<String>> gangOf;

  public GangPreemptionPlanner(Placer placer, Function<PodInfo, Optional<String>> gangOf) {
    this.placer = placer;
    this.gangOf = gangOf;
  }

  /**
   * @param domain the chosen domain's name
   * @param placed member key → the devices it gets once the victims are gone
   * @param units everything to evict, gangs whole
   */
  public record Plan(String domain, Map<String, Assignment> placed, List<EvictionUnit> units, VictimCost cost) {
    public Plan {
      placed = Map.copyOf(placed);
      units = List.copyOf(units);
    }
  }

  /** The cheapest plan over {@code domains} (name → node names), or empty when none makes room. */
  public Optional<Plan> plan(List<PodInfo> members, Map<String, List<String>> domains,
      PreemptionPlanner.View view, Instant now) {
    int priority = members.stream().mapToInt(PodInfo::priority).max().orElseThrow();
    List<PodInfo> order = new ArrayList<>(members);
    order.sort(Comparator.comparingDouble((PodInfo p) -> -size(p)).thenComparing(PodInfo::key));
    Optional<Plan> best = Optional.empty();
    for (var d : domains.entrySet()) {
      Optional<Plan> plan = planIn(d.getKey(), d.getValue(), order, priority, view, now);
      if (plan.isPresent() && (best.isEmpty() || plan.get().cost().compareTo(best.get().cost()) < 0)) {
        best = plan;
      }
    }
    return best;
  }

  private Optional<Plan> planIn(String domain, List<String> nodes, List<PodInfo> members, int priority,
      PreemptionPlanner.View view, Instant now) {
    Map<String, NodeState> states = new LinkedHashMap<>();
    for (String n : nodes) {
      view.node(n).ifPresent(s -> states.put(n, s));
    }
    VictimPool pool = new VictimPool(view, gangOf, priority);
    Optional<Plan> perMember = perMember(domain, new LinkedHashMap<>(states), members, pool, now);
    Optional<Plan> whole = wholeGang(domain, states, members, pool, now);
    if (whole.isPresent() && (perMember.isEmpty() || whole.get().cost().compareTo(perMember.get().cost()) < 0)) {
      return whole;
    }
    return perMember;
  }

  private Optional<Plan> wholeGang(String domain, Map<String, NodeState> states, List<PodInfo> members,
      VictimPool pool, Instant now) {
    Map<String, EvictionUnit> byId = new LinkedHashMap<>();
    for (NodeState s : states.values()) {
      for (EvictionUnit u : pool.on(s)) {
        byId.putIfAbsent(u.id(), u);
        if (byId.size() > VictimSearch.MAX_EXHAUSTIVE) {
          return Optional.empty();
        }
      }
    }
    List<EvictionUnit> units = List.copyOf(byId.values());
    Optional<VictimSearch.Choice> c = VictimSearch.cheapest(units,
        u -> pack(members, after(states, u)).isPresent(), now, bound(members, states));
    if (c.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Assignment> placed = pack(members, after(states, c.get().units())).orElseThrow();
    return Optional.of(new Plan(domain, placed, c.get().units(), c.get().cost()));
  }

  /** Every member placed, largest first, on the first node (in domain order) that takes it; empty if one finds none. */
  private Optional<Map<String, Assignment>> pack(List<PodInfo> members, Map<String, NodeState> states) {
    Map<String, NodeState> s = new LinkedHashMap<>(states);
    Map<String, Assignment> placed = new LinkedHashMap<>();
    for (PodInfo m : members) {
      boolean done = false;
      for (var e : s.entrySet()) {
        if (placer.check(m, e.getValue()).isEmpty()) {
          Assignment a = placer.evaluate(m, e.getValue()).assignment().orElseThrow();
          placed.put(m.key(), a);
          e.setValue(e.getValue().with(m.key(), a));
          done = true;
          break;
        }
      }
      if (!done) {
        return Optional.empty();
      }
    }
    return Optional.of(placed);
  }

  /** The domain's states once {@code units}' pods are gone. */
  private static Map<String, NodeState> after(Map<String, NodeState> states, List<EvictionUnit> units) {
    Map<String, NodeState> out = new LinkedHashMap<>(states);
    for (EvictionUnit u : units) {
      for (Victim v : u.pods()) {
        out.computeIfPresent(v.node(), (k, s) -> s.without(v.key()));
      }
    }
    return out;
  }

  /**
   * Whole-GPU members: the units must free at least the GPUs the domain lacks (a share counts as
   * its whole GPU, MIG as none: upper bounds, as {@link PreemptionPlanner#bound}).
   */
  private static VictimSearch.Bound bound(List<PodInfo> members, Map<String, NodeState> states) {
    if (!members.stream().allMatch(m -> m.request().orElse(null) instanceof GpuRequest.WholeGpus)) {
      return VictimSearch.Bound.NONE;
    }
    double missing = members.stream().mapToDouble(GangPreemptionPlanner::size).sum()
        - states.values().stream().mapToLong(s -> Long.bitCount(s.freeMask())).sum();
    return new VictimSearch.Bound(u -> {
      double n = 0;
      for (Victim v : u.pods()) {
        NodeState s = states.get(v.node());
        Assignment a = s == null ? null : s.pods().get(v.key());
        n += a == null || !a.mig().isEmpty() ? 0 : a.gpus().size();
      }
      return n;
    }, missing);
  }

  private Optional<Plan> perMember(String domain, Map<String, NodeState> states, List<PodInfo> members,
      VictimPool pool, Instant now) {
    Map<String, Assignment> placed = new LinkedHashMap<>();
    List<EvictionUnit> evicted = new ArrayList<>();
    Set<String> evictedIds = new HashSet<>();
    for (PodInfo m : members) {
      String bestNode = null;
      VictimSearch.Choice bestChoice = null;
      for (var e : states.entrySet()) {
        NodeState s = e.getValue();
        List<EvictionUnit> units = pool.on(s).stream().filter(u -> !evictedIds.contains(u.id())).toList();
        Optional<VictimSearch.Choice> c = VictimSearch.cheapest(units,
            u -> placer.check(m, without(s, u)).isEmpty(), now, PreemptionPlanner.bound(m, s));
        if (c.isPresent() && (bestChoice == null || c.get().cost().compareTo(bestChoice.cost()) < 0)) {
          bestNode = e.getKey();
          bestChoice = c.get();
        }
      }
      if (bestNode == null) {
        return Optional.empty();
      }
      for (EvictionUnit u : bestChoice.units()) {
        evicted.add(u);
        evictedIds.add(u.id());
        for (Victim v : u.pods()) {
          states.computeIfPresent(v.node(), (k, s) -> s.without(v.key()));
        }
      }
      NodeState target = states.get(bestNode);
      NodeEvaluation ev = placer.evaluate(m, target);
      Assignment a = ev.assignment().orElseThrow(() -> new IllegalStateException(
          "member " + m.key() + " was checked to fit but does not: " + ev.rejection()));
      placed.put(m.key(), a);
      states.put(bestNode, target.with(m.key(), a));
    }
    return Optional.of(new Plan(domain, placed, evicted, VictimCost.of(evicted, now)));
  }

  private static NodeState without(NodeState s, List<EvictionUnit> units) {
    for (EvictionUnit u : units) {
      for (Victim v : u.on(s.name())) {
        s = s.without(v.key());
      }
    }
    return s;
  }

  private static double size(PodInfo p) {
    return p.request().map(r -> r instanceof GpuRequest.WholeGpus w ? w.count() : 0).orElse(0);
  }
}
