package io.topogpu.benchmarks.fgd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The policy table: CLI name → published label (the {@code sc_policy} of the FGD artifact) and factory.
 * Unknown names are rejected when the experiment is configured, before anything runs.
 */
public final class FgdPolicies {

  /** One table row. */
  public record Entry(String name, String publishedLabel, Function<PolicyContext, Policy> factory) {}

  private static final Map<String, Entry> TABLE = new LinkedHashMap<>();

  static {
    add("random", "01-Random", RandomPolicy::new);
    add("dotprod", "02-DotProd", c -> new DotProdPolicy());
    add("clustering", "03-GpuClustering", c -> new GpuClusteringPolicy());
    add("packing", "04-GpuPacking", c -> new GpuPackingPolicy());
    add("bestfit", "05-BestFit", c -> new BestFitPolicy());
    add("fgd", "06-FGD", FgdPolicy::new);
  }

  private FgdPolicies() {}

  private static void add(String name, String label, Function<PolicyContext, Policy> factory) {
    TABLE.put(name, new Entry(name, label, factory));
  }

  public static List<String> names() {
    return List.copyOf(TABLE.keySet());
  }

  /** The entry for {@code name}, or an error listing the known names. */
  public static Entry require(String name) {
    Entry e = TABLE.get(name);
    if (e == null) {
      throw new IllegalArgumentException("unknown policy '" + name + "'; known: " + String.join(", ", names()));
    }
    return e;
  }
}
