package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.tiers.NetworkTiers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The gang levels of one tier configuration and the domains they cut the nodes into.
 *
 * <p>Levels, tightest first: {@code node}, the configured tiers, then {@value GangPlanner#CLUSTER}.
 * A scope is a domain at a level intersected with one domain of every anchor level (the required
 * or preferred levels); its key lists the domain names in {@link #parts} order. A node lacking a
 * label for any of those levels belongs to no scope. Scopes come back ordered by key, so every
 * search over them is deterministic.
 */
final class GangLevels {
  private final NetworkTiers tiers;
  private final List<String> levels;

  GangLevels(NetworkTiers tiers) {
    this.tiers = tiers;
    List<String> l = new ArrayList<>();
    l.add(Placement.NODE);
    l.addAll(tiers.config().names());
    l.add(GangPlanner.CLUSTER);
    this.levels = List.copyOf(l);
  }

  NetworkTiers tiers() {
    return tiers;
  }

  /** The levels from {@code node} up to and including {@code widest}. */
  List<String> upTo(String widest) {
    return levels.subList(0, rank(widest) + 1);
  }

  /** Position of {@code level}, tightest first; throws for a level this configuration lacks. */
  int rank(String level) {
    int r = levels.indexOf(level);
    if (r < 0) {
      throw new IllegalArgumentException("unknown level " + level);
    }
    return r;
  }

  /** The widest of {@code anchors}, or the cluster when there are none. */
  String widest(List<String> anchors) {
    return anchors.stream().max(Comparator.comparingInt(this::rank)).orElse(GangPlanner.CLUSTER);
  }

  /**
   * The tightest gang-level constraint among the members: {@code node} or a tier; nvlink and numa
   * apply per member and are skipped. Throws naming the key for an unknown level.
   */
  Optional<String> tightest(List<PodInfo> members, Function<Placement, Optional<String>> which, String key) {
    Optional<String> best = Optional.empty();
    for (PodInfo m : members) {
      Optional<String> level = which.apply(m.placement());
      if (level.isEmpty() || level.get().equals(Placement.NVLINK) || level.get().equals(Placement.NUMA)) {
        continue;
      }
      if (!levels.contains(level.get()) || level.get().equals(GangPlanner.CLUSTER)) {
        throw new IllegalArgumentException(GangReasons.unknownLevel(key, level.get(), tiers.config().levelNames()));
      }
      if (best.isEmpty() || rank(level.get()) < rank(best.get())) {
        best = level;
      }
    }
    return best;
  }

  /** Nodes grouped by their domains at {@code level} and at every anchor; nodes lacking one left out. */
  Map<List<String>, List<NodeState>> scopes(List<NodeState> nodes, String level, List<String> anchors) {
    Map<List<String>, List<NodeState>> out = new TreeMap<>(Comparator.comparing(List::toString));
    for (NodeState n : nodes) {
      key(n.node(), level, anchors).ifPresent(k -> out.computeIfAbsent(k, x -> new ArrayList<>()).add(n));
    }
    return out;
  }

  /** Whether every fixed member's node lies in the scope {@code scope}. */
  boolean fixedInside(Collection<ClusterNode> fixed, String level, List<String> anchors, List<String> scope) {
    return fixed.stream().allMatch(n -> key(n, level, anchors).filter(scope::equals).isPresent());
  }

  /** The scope's name: {@code level=domain} for each part, comma-separated, or the cluster. */
  static String name(String level, List<String> anchors, List<String> key) {
    List<String> parts = parts(level, anchors);
    if (parts.isEmpty()) {
      return GangPlanner.CLUSTER;
    }
    List<String> named = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      named.add(parts.get(i) + "=" + key.get(i));
    }
    return String.join(",", named);
  }

  private Optional<List<String>> key(ClusterNode node, String level, List<String> anchors) {
    List<String> key = new ArrayList<>();
    for (String l : parts(level, anchors)) {
      Optional<String> d = tiers.domainOf(node, l);
      if (d.isEmpty()) {
        return Optional.empty();
      }
      key.add(d.get());
    }
    return Optional.of(key);
  }

  /** {@code level} (unless the cluster), then the anchors not already named. */
  private static List<String> parts(String level, List<String> anchors) {
    List<String> parts = new ArrayList<>();
    if (!level.equals(GangPlanner.CLUSTER)) {
      parts.add(level);
    }
    anchors.stream().filter(a -> !parts.contains(a)).forEach(parts::add);
    return parts;
  }
}
