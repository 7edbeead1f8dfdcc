package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Placement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The nodes to hold for a starving gang: the fewest, freest nodes of one domain that could take
 * the whole gang were their other pods gone. The contract is {@link GangPlanner#holdTarget}'s.
 *
 * <p>Why a prefix and not the domain: a held node is closed to everyone else until the gang
 * starts, so every node held beyond what the gang needs is capacity kept idle for nothing.
 */
final class HoldTargetSearch {
  private final GangLevels levels;
  private final GangFit fit;

  HoldTargetSearch(GangLevels levels, GangFit fit) {
    this.levels = levels;
    this.fit = fit;
  }

  /** See {@link GangPlanner#holdTarget}; empty also when the members name an unknown level. */
  Optional<List<String>> holdTarget(GangRequest request, Collection<NodeState> nodes) {
    Optional<String> required;
    try {
      required = levels.tightest(request.members(), Placement::required, GangReasons.requiredKey());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    List<String> anchors = required.map(List::of).orElse(List.of());
    List<NodeState> sorted = nodes.stream().sorted(Comparator.comparing(NodeState::name)).toList();
    for (String level : levels.upTo(levels.widest(anchors))) {
      HoldCandidate best = null;
      for (var scope : levels.scopes(sorted, level, anchors).entrySet()) {
        if (!levels.fixedInside(request.fixed().values(), level, anchors, scope.getKey())) {
          continue;
        }
        Optional<HoldCandidate> c = shortestFittingPrefix(request, scope.getValue());
        if (c.isPresent() && (best == null || c.get().before(best))) {
          best = c.get();
        }
      }
      if (best != null) {
        return Optional.of(best.nodes());
      }
    }
    return Optional.empty();
  }

  /** A domain's hold candidate: its shortest fitting prefix and that prefix's free milli-GPU now. */
  private record HoldCandidate(List<String> nodes, long free) {
    /** More free first, then fewer nodes; equal candidates keep the earlier domain (by name). */
    boolean before(HoldCandidate other) {
      return free != other.free ? free > other.free : nodes.size() < other.nodes.size();
    }
  }

  /**
   * The shortest prefix of the domain's nodes, most free milli-GPU now first (then by name), on
   * which the greedy fit places every member once the prefix is emptied of all but the gang's own
   * fixed members; empty when even the whole domain, so emptied, cannot take the gang.
   */
  private Optional<HoldCandidate> shortestFittingPrefix(GangRequest request, List<NodeState> scope) {
    List<NodeState> order = scope.stream().filter(n -> n.topology().isPresent())
        .sorted(Comparator.comparingLong(GangFit::freeNow).reversed().thenComparing(NodeState::name))
        .toList();
    List<NodeState> emptied = new ArrayList<>();
    for (NodeState n : order) {
      emptied.add(emptiedButFixed(n, request.fixed().keySet()));
      if (GangFit.mayHold(request.members(), emptied) && fit.fitsAll(request.members(), emptied)) {
        List<NodeState> prefix = order.subList(0, emptied.size());
        return Optional.of(new HoldCandidate(prefix.stream().map(NodeState::name).toList(),
            GangFit.freeMilli(prefix)));
      }
    }
    return Optional.empty();
  }

  /** {@code n} with only the gang's own fixed members still holding GPUs. */
  private static NodeState emptiedButFixed(NodeState n, Collection<String> fixed) {
    NodeState out = NodeState.empty(n.node());
    for (var p : n.pods().entrySet()) {
      if (fixed.contains(p.getKey())) {
        out = out.with(p.getKey(), p.getValue());
      }
    }
    return out;
  }
}
