package io.topogpu.scheduler.preempt;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.PodInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The eviction units of one preemption decision, built once per decision: every GPU pod of lower
 * priority than the preemptor on a node, a gang member standing for its whole gang (every running
 * member, on every node, sorted by key). A gang with any member of priority ≥ the preemptor's is
 * not a unit; neither is a pod the cache does not know.
 */
final class VictimPool {
  private final PreemptionPlanner.View view;
  private final Function<PodInfo, Optional<String>> gangOf;
  private final int below;
  private final Map<String, List<PodInfo>> gangs = new HashMap<>();
  private final Map<String, Optional<EvictionUnit>> gangUnits = new HashMap<>();

  VictimPool(PreemptionPlanner.View view, Function<PodInfo, Optional<String>> gangOf, int below) {
    this.view = view;
    this.gangOf = gangOf;
    this.below = below;
    for (PodInfo p : view.pods()) {
      if (p.holdsGpus()) {
        gangOf.apply(p).ifPresent(g -> gangs.computeIfAbsent(g, k -> new ArrayList<>()).add(p));
      }
    }
  }

  /** The units with a pod on {@code node}, in the node's holder order. */
  List<EvictionUnit> on(NodeState node) {
    List<EvictionUnit> units = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String key : node.pods().keySet()) {
      Optional<PodInfo> holder = view.pod(key);
      if (holder.isEmpty() || holder.get().priority() >= below) {
        continue;
      }
      PodInfo p = holder.get();
      Optional<String> gang = gangOf.apply(p);
      if (gang.isEmpty()) {
        units.add(EvictionUnit.single(PreemptionPlanner.victim(p, node)));
      } else if (seen.add(gang.get())) {
        gangUnits.computeIfAbsent(gang.get(), g -> gangUnit(g, gangs.getOrDefault(g, List.of(p))))
            .ifPresent(units::add);
      }
    }
    return units;
  }

  private Optional<EvictionUnit> gangUnit(String gang, List<PodInfo> members) {
    List<Victim> victims = new ArrayList<>();
    for (PodInfo m : members.stream().sorted(Comparator.comparing(PodInfo::key)).toList()) {
      if (m.priority() >= below) {
        return Optional.empty();
      }
      view.node(m.nodeName().orElseThrow()).ifPresent(n -> victims.add(PreemptionPlanner.victim(m, n)));
    }
    return Optional.of(EvictionUnit.gang(gang, victims));
  }
}
