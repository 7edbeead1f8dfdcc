package io.topogpu.benchmarks.fgd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The policy table: CLI name → published label (the {@code sc_policy} of the FGD artifact; empty for
 * policies the paper does not have) and factory. Unknown names are rejected when the experiment is
 * configured, before anything runs.
 *
 * <p>Besides the paper's six, topogpu's own placement through the scheduler's placer ({@link
 * TopogpuPolicy}): {@code topogpu} is the {@code workload-fit} preset with CPU-only pods scored by GPU
 * sparing; {@code topogpu-baseline} is the shipped default preset ({@code topology-first}) with CPU-only
 * pods left to kube-scheduler's default scores, the "before" of RESULTS.md. {@code fgd-gpu-only} is a
 * diagnostic: FGD whose target workload has no CPU requests, i.e. FGD restricted to what a GPU-only
 * scheduler knows (CPU-only pods then score 50 everywhere and go to the smallest rank).
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
    add("fgd-gpu-only", "", c -> new FgdPolicy(new PolicyContext(c.random(), c.fragmentation().ignoringCpu())));
    add("topogpu", "", c -> new TopogpuPolicy(TopogpuPolicy.preset("workload-fit"), true));
    add("topogpu-baseline", "", c -> new TopogpuPolicy(TopogpuPolicy.preset("topology-first"), false));
  }

  private FgdPolicies() {}

  private static void add(String name, String label, Function<PolicyContext, Policy> factory) {
    TABLE.put(name, new Entry(name, label, factory));
  }

  public static List<String> names() {
    return List.copyOf(TABLE.keySet());
  }

  /** The policies the paper published results for, in paper order: the reproduction's default grid. */
  public static List<String> publishedNames() {
    return TABLE.values().stream().filter(e -> !e.publishedLabel().isEmpty()).map(Entry::name).toList();
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
