package io.topogpu.scheduler.preempt;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.topology.Keys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The domains a gang's preemption may plan in: what the gang's required level allows, so the plan
 * satisfies it (the members placed inside one domain).
 *
 * <ul>
 *   <li>no required level, or only {@code nvlink}/{@code numa} (per member, checked by placement on
 *       each node): one domain, {@code cluster}, of every node;
 *   <li>{@code node}: every node its own domain, {@code node=<name>};
 *   <li>a network tier: one domain per value of the tier's label, {@code <tier>=<value>}; nodes
 *       without the label are in none.
 * </ul>
 *
 * When members disagree the tightest level wins (node, then the tiers in configured order), as in
 * gang planning. Domains come back ordered by name, so ties in cost go to the first.
 */
public final class GangDomains {
  public static final String CLUSTER = "cluster";

  private GangDomains() {}

  /**
   * @throws IllegalArgumentException naming the level and the valid ones when a member requires a
   *     level that is neither {@code nvlink}, {@code numa}, {@code node} nor a configured tier
   */
  public static Map<String, List<String>> of(List<PodInfo> members, Collection<NodeState> nodes, NetworkTiers tiers) {
    Optional<String> level = required(members, tiers);
    List<NodeState> sorted = nodes.stream().sorted(java.util.Comparator.comparing(NodeState::name)).toList();
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (level.isEmpty()) {
      out.put(CLUSTER, sorted.stream().map(NodeState::name).toList());
      return out;
    }
    tiers.domains(sorted, level.get()).forEach((domain, in) ->
        out.put(level.get() + "=" + domain, in.stream().map(NodeState::name).toList()));
    return out;
  }

  /** The tightest gang-level requirement among the members ({@code node} or a tier), if any. */
  public static Optional<String> required(List<PodInfo> members, NetworkTiers tiers) {
    List<String> order = new ArrayList<>();
    order.add(Placement.NODE);
    order.addAll(tiers.config().names());
    Optional<String> best = Optional.empty();
    for (PodInfo m : members) {
      Optional<String> level = m.placement().required();
      if (level.isEmpty() || level.get().equals(Placement.NVLINK) || level.get().equals(Placement.NUMA)) {
        continue;
      }
      int rank = order.indexOf(level.get());
      if (rank < 0) {
        throw new IllegalArgumentException("pod " + m.key() + ": " + Keys.PLACEMENT_REQUIRED + " names '"
            + level.get() + "', not a level; valid levels: " + String.join(", ", tiers.config().levelNames()));
      }
      if (best.isEmpty() || rank < order.indexOf(best.get())) {
        best = level;
      }
    }
    return best;
  }
}
