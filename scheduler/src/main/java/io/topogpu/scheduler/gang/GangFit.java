package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.NodeEvaluation;
import io.topogpu.scheduler.placement.Placer;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fits a gang's members into one scope, and the capacity arithmetic the planner's searches share.
 *
 * <p>The fit is greedy: members one by one, largest request first (then in the order given), each
 * on the node the placement core ranks best <em>given the members placed before it</em>
 * ({@code NodeState.with}). It stops at the first member that fits nowhere, so a fit that places
 * fewer members than asked means "does not fit". Pure: the scope's states are never changed.
 */
final class GangFit {
  private final Placer placer;

  GangFit(Placer placer) {
    this.placer = placer;
  }

  /** The members placed (by pod key) and the placement core's Σ points for them. */
  record Greedy(Map<String, Assignment> placed, int points) {}

  /** Members placed one by one, largest first (stable), each on the best node given those before it. */
  Greedy greedy(List<PodInfo> members, List<NodeState> scope) {
    List<PodInfo> order = members.stream()
        .sorted(Comparator.comparingLong(GangFit::demand).reversed())
        .toList();
    Map<String, NodeState> states = new LinkedHashMap<>();
    scope.forEach(n -> states.put(n.name(), n));
    Map<String, Assignment> placed = new LinkedHashMap<>();
    int points = 0;
    for (PodInfo p : order) {
      Optional<NodeEvaluation> best = placer.rank(p, states.values()).best();
      if (best.isEmpty()) {
        break;
      }
      Assignment a = best.get().assignment().orElseThrow();
      states.put(a.node(), states.get(a.node()).with(p.key(), a));
      placed.put(p.key(), a);
      points += best.get().points();
    }
    return new Greedy(placed, points);
  }

  /** Whether the greedy fit places every member in {@code scope}. */
  boolean fitsAll(List<PodInfo> members, List<NodeState> scope) {
    return greedy(members, scope).placed().size() == members.size();
  }

  /** Cheap bound: whole-GPU gangs need at least Σ count free GPUs in the scope. */
  static boolean mayHold(List<PodInfo> members, List<NodeState> scope) {
    if (!members.stream().allMatch(m -> m.request().get() instanceof GpuRequest.WholeGpus)) {
      return true;
    }
    long need = members.stream().mapToLong(m -> ((GpuRequest.WholeGpus) m.request().get()).count()).sum();
    long free = scope.stream().filter(n -> n.topology().isPresent()).mapToLong(n -> Long.bitCount(n.freeMask())).sum();
    return free >= need;
  }

  /** Free milli-GPU now over the scope's nodes with a known topology. */
  static long freeMilli(List<NodeState> scope) {
    return scope.stream().filter(n -> n.topology().isPresent()).mapToLong(GangFit::freeNow).sum();
  }

  static long freeNow(NodeState n) {
    return n.capacityMilli() - n.usedMilli();
  }

  /** k when every member asks for k whole GPUs, else 0. */
  static int equalWholeGpus(List<PodInfo> members) {
    List<GpuRequest> distinct = members.stream().map(m -> m.request().get()).distinct().toList();
    return distinct.size() == 1 && distinct.get(0) instanceof GpuRequest.WholeGpus w ? w.count() : 0;
  }

  /** Sort key only: milli-GPU for whole GPUs and shares, instance count for MIG. */
  private static long demand(PodInfo p) {
    GpuRequest r = p.request().orElseThrow();
    if (r instanceof GpuRequest.WholeGpus w) {
      return 1000L * w.count();
    }
    return r instanceof GpuRequest.GpuShare s ? s.milli() : ((GpuRequest.MigInstances) r).count();
  }
}
