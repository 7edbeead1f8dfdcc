package io.topogpu.scheduler.placement;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validated scoring policy: a weight per score term, resolved from a preset plus overrides, and the
 * size of the GPU-set memo. Build with {@link #of}; unknown names fail here, at start-up.
 *
 * @param preset the preset the weights started from
 * @param weights weight per term name, every known term present, each 0..{@value #MAX_WEIGHT}
 * @param gpuSetCacheEntries bound of the GPU-set memo (entries)
 */
public record Policy(String preset, Map<String, Integer> weights, int gpuSetCacheEntries) {
  public static final int MAX_WEIGHT = 100;
  public static final String DEFAULT_PRESET = "topology-first";
  public static final int DEFAULT_CACHE_ENTRIES = 65_536;
  /** Name of the absolute link-quality score term ({@link LinkQuality}), for weight overrides. */
  public static final String LINK_TERM = LinkQuality.NAME;

  /** The score terms, by name, in breakdown order. */
  static final Map<String, ScoreTerm> TERMS = terms(new WorkloadMix());

  /**
   * Presets: weights for topology, link, fragmentation, binpack, spread, preferred,
   * expected-fragmentation. topology-first ranks link quality far above packing; binpack fills nodes;
   * spread empties them. workload-fit replaces the block and packing terms by expected-fragmentation
   * against the learned workload (FGD-style; it only applies once the placer's {@link WorkloadMix} has
   * observed pods, and the preset then falls back to topology and preferred alone). Documented with
   * the same numbers in config/policy.yaml.
   *
   * <p>link = 6 in topology-first: a multi-GPU pod whose set is NVLink at A100 NV12 (240 GB/s) or
   * better beats any PCIe-only set whatever fragmentation and binpack say, when the other terms tie:
   * 6 × (link(NV12) − link(PIX)) = 6 × (0.743 − 0.205) = 3.23 &gt; 3 = 2 × Δfragmentation + 1 ×
   * Δbinpack at most. In binpack and spread it has topology's weight 1, a tie-breaker between
   * nodes about equally full. workload-fit keeps 0: its weights were measured on the FGD traces
   * (benchmarks/RESULTS.md) without it.
   */
  static final Map<String, Map<String, Integer>> PRESETS = Map.of(
      "topology-first", weights(6, 6, 2, 1, 0, 3, 0),
      "workload-fit", weights(6, 0, 0, 0, 0, 3, 10),
      "binpack", weights(1, 1, 1, 6, 0, 1, 0),
      "spread", weights(1, 1, 0, 0, 6, 1, 0));

  public Policy {
    weights = Map.copyOf(weights);
    if (!weights.keySet().equals(TERMS.keySet())) {
      throw new IllegalArgumentException("policy weights must name exactly " + TERMS.keySet());
    }
    weights.forEach((term, w) -> checkWeight(term, w));
    if (gpuSetCacheEntries < 0) {
      throw new IllegalArgumentException("gpuSetCacheEntries: must be >= 0, got " + gpuSetCacheEntries);
    }
  }

  public static Policy defaults() {
    return of(DEFAULT_PRESET, Map.of(), DEFAULT_CACHE_ENTRIES);
  }

  /** The preset's weights with {@code overrides} applied; names are checked against the tables. */
  public static Policy of(String preset, Map<String, Integer> overrides, int cacheEntries) {
    Map<String, Integer> base = PRESETS.get(preset);
    if (base == null) {
      throw new IllegalArgumentException(
          "unknown preset '" + preset + "'; valid presets: " + String.join(", ", presetNames()));
    }
    Map<String, Integer> w = new LinkedHashMap<>(base);
    overrides.forEach((term, value) -> {
      if (!TERMS.containsKey(term)) {
        throw new IllegalArgumentException(
            "unknown score term '" + term + "'; valid terms: " + String.join(", ", termNames()));
      }
      w.put(term, value);
    });
    return new Policy(preset, w, cacheEntries);
  }

  public static List<String> presetNames() {
    return new TreeMap<>(PRESETS).keySet().stream().toList();
  }

  public static List<String> termNames() {
    return List.copyOf(TERMS.keySet());
  }

  /** Throws naming the term unless {@code w} is within 0..{@value #MAX_WEIGHT}. */
  public static void checkWeight(String term, Integer w) {
    if (w == null || w < 0 || w > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "weight of " + term + " must be an integer 0.." + MAX_WEIGHT + ", got " + w);
    }
  }

  /** The score terms, by name, in breakdown order; the learned-workload term reads {@code mix}. */
  static Map<String, ScoreTerm> terms(WorkloadMix mix) {
    Map<String, ScoreTerm> m = new LinkedHashMap<>();
    for (ScoreTerm t : List.of(new TopologyQuality(), new LinkQuality(), new Fragmentation(), new BinPacking(),
        new Spreading(), new PreferredPlacement(), new ExpectedFragmentation(mix))) {
      m.put(t.name(), t);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  private static Map<String, Integer> weights(int topology, int link, int fragmentation, int binpack,
      int spread, int preferred, int expected) {
    return Map.of(TopologyQuality.NAME, topology, LinkQuality.NAME, link, Fragmentation.NAME,
        fragmentation, BinPacking.NAME, binpack, Spreading.NAME, spread, PreferredPlacement.NAME, preferred,
        ExpectedFragmentation.NAME, expected);
  }
}
