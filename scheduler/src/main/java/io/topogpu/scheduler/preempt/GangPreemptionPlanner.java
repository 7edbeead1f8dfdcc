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
 * <p>Within a domain, members are placed one at a time, largest first, each on the node where the
 * cheapest victim set ({@link VictimSearch}) makes room for it, on the state left by the members
 * and evictions before it; a domain where some member finds no such node is infeasible. Greedy
 * across members (not proven cheapest over the whole gang), exhaustive within each node. The gang's
 * priority is its highest member's; only strictly lower pods are victims.
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
