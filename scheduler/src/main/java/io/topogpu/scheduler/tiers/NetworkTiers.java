package io.topogpu.scheduler.tiers;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.Placement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which domain a node belongs to at a level, and the grouping of nodes into domains. A level is
 * {@code node} (every node is its own domain, named after the node) or a tier of the {@link
 * TierConfig}. A node without any of a tier's labels (or with an empty value) is in no domain at
 * that tier, so a gang that requires the tier is never placed on it.
 */
public final class NetworkTiers {
  private final TierConfig config;

  public NetworkTiers(TierConfig config) {
    this.config = config;
  }

  public TierConfig config() {
    return config;
  }

  /**
   * The domain of {@code node} at {@code level}: the value of the first of the tier's label keys
   * the node carries with a non-empty value; the node's name for level {@code node}.
   *
   * @throws IllegalArgumentException for a level that is neither {@code node} nor a known tier
   */
  public Optional<String> domainOf(ClusterNode node, String level) {
    if (level.equals(Placement.NODE)) {
      return Optional.of(node.name());
    }
    for (String key : config.require(level).labelKeys()) {
      String v = node.labels().get(key);
      if (v != null && !v.isEmpty()) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** Nodes grouped by their domain at {@code level}, domains by name; nodes in none left out. */
  public Map<String, List<NodeState>> domains(Collection<NodeState> nodes, String level) {
    Map<String, List<NodeState>> out = new TreeMap<>();
    for (NodeState n : nodes) {
      domainOf(n.node(), level).ifPresent(d -> out.computeIfAbsent(d, k -> new ArrayList<>()).add(n));
    }
    return out;
  }
}
