package io.topogpu.scheduler.tiers;

import io.topogpu.scheduler.model.Placement;
import io.topogpu.topology.Keys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The network tiers gang planning knows, tightest first. Validated when built, at start-up: names
 * are unique and none is a node-level name ({@code nvlink}, {@code numa}, {@code node}); selecting
 * or looking up an unknown name fails with the valid names listed.
 *
 * <p>Defaults, from NVIDIA GPU Feature Discovery and topograph (every version's spelling, see
 * docs/placement.md "Gangs and network tiers"):
 *
 * <pre>
 *   clique       nvidia.com/gpu.clique              multi-node NVLink partition (GB200 NVL72)
 *   accelerator  accelerator.topograph.run/domain   NVLink domain (topograph 1.0 and later)
 *                network.topology.nvidia.com/accelerator      (topograph up to 0.5)
 *   tier-0       fabric.topograph.run/tier-0        switch directly above the node
 *   leaf         network.topology.nvidia.com/leaf   tier 0, topograph 0.3-0.5
 *   block        network.topology.nvidia.com/block  tier 0, topograph 0.1-0.2
 *   tier-1       fabric.topograph.run/tier-1
 *   spine        network.topology.nvidia.com/spine  tier 1, topograph 0.1-0.5
 *   tier-2       fabric.topograph.run/tier-2
 *   core         network.topology.nvidia.com/core   tier 2, topograph 0.3-0.5
 *   datacenter   network.topology.nvidia.com/datacenter  tier 2, topograph 0.1-0.2
 *   tier-3       fabric.topograph.run/tier-3
 *   zone         topology.kubernetes.io/zone
 * </pre>
 *
 * Equivalent tiers of different topograph eras sit next to each other, so a cluster labelled by
 * any one era (or by two, after an upgrade: topograph labels are additive) is searched tightest
 * first.
 */
public final class TierConfig {
  /** Placement levels inside or at a node; no tier may take these names. */
  public static final Set<String> NODE_LEVELS = Set.of(Placement.NVLINK, Placement.NUMA, Placement.NODE);
  /** Name gang planning gives the scope of all candidate nodes; no tier may take it. */
  public static final String CLUSTER = "cluster";

  private static final TierConfig DEFAULTS = of(List.of(
      Tier.of("clique", Keys.LABEL_GPU_CLIQUE),
      Tier.of("accelerator", Keys.LABEL_TOPOGRAPH_ACCELERATOR, Keys.LABEL_LEGACY_ACCELERATOR),
      Tier.of("tier-0", Keys.LABEL_TOPOGRAPH_TIER_PREFIX + 0),
      Tier.of("leaf", Keys.LABEL_LEGACY_LEAF),
      Tier.of("block", Keys.LABEL_LEGACY_BLOCK),
      Tier.of("tier-1", Keys.LABEL_TOPOGRAPH_TIER_PREFIX + 1),
      Tier.of("spine", Keys.LABEL_LEGACY_SPINE),
      Tier.of("tier-2", Keys.LABEL_TOPOGRAPH_TIER_PREFIX + 2),
      Tier.of("core", Keys.LABEL_LEGACY_CORE),
      Tier.of("datacenter", Keys.LABEL_LEGACY_DATACENTER),
      Tier.of("tier-3", Keys.LABEL_TOPOGRAPH_TIER_PREFIX + 3),
      Tier.of("zone", Keys.LABEL_ZONE)));

  private final Map<String, Tier> byName;

  private TierConfig(Map<String, Tier> byName) {
    this.byName = byName;
  }

  public static TierConfig defaults() {
    return DEFAULTS;
  }

  /** Tiers in the given order, tightest first; throws naming a duplicate or reserved name. */
  public static TierConfig of(List<Tier> tiers) {
    Map<String, Tier> m = new LinkedHashMap<>();
    for (Tier t : tiers) {
      if (NODE_LEVELS.contains(t.name())) {
        throw new IllegalArgumentException("tier name '" + t.name() + "' is reserved for a level inside a node ("
            + String.join(", ", List.of(Placement.NVLINK, Placement.NUMA, Placement.NODE)) + ")");
      }
      if (m.putIfAbsent(t.name(), t) != null) {
        throw new IllegalArgumentException("tier '" + t.name() + "' is listed twice");
      }
      if (t.name().equals(CLUSTER)) {
        throw new IllegalArgumentException("tier name '" + CLUSTER + "' is reserved for the whole cluster");
      }
    }
    return new TierConfig(java.util.Collections.unmodifiableMap(m));
  }

  /**
   * The named tiers of this configuration, in the order given (tightest first): how a policy file
   * enables a subset. Throws naming the first unknown name and listing the valid ones.
   */
  public TierConfig select(List<String> names) {
    List<Tier> picked = new ArrayList<>();
    for (String n : names) {
      picked.add(require(n));
    }
    return of(picked);
  }

  /** Tiers tightest first. */
  public List<Tier> tiers() {
    return List.copyOf(byName.values());
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public Optional<Tier> tier(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The tier called {@code name}; throws listing the valid names when there is none. */
  public Tier require(String name) {
    Tier t = byName.get(name);
    if (t == null) {
      throw new IllegalArgumentException("unknown network tier '" + name + "'; valid tiers: " + String.join(", ", names()));
    }
    return t;
  }

  /** Position of a tier, 0 = tightest; -1 when unknown. */
  public int rank(String name) {
    return names().indexOf(name);
  }

  /** Every level a placement annotation may name: nvlink, numa, node, then the tiers. */
  public List<String> levelNames() {
    List<String> out = new ArrayList<>(List.of(Placement.NVLINK, Placement.NUMA, Placement.NODE));
    out.addAll(names());
    return out;
  }

  @Override
  public String toString() {
    return "TierConfig" + names();
  }
}
