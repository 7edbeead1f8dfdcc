package io.topogpu.benchmarks.load;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How kube-scheduler passes candidate nodes to the extender: {@code names} ({@code
 * nodeCacheCapable: true}, a list of names) or {@code full} ({@code nodeCacheCapable: false},
 * whole Node objects, megabytes per call at thousands of nodes).
 */
public enum NodeListMode {
  NAMES,
  FULL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code names}, {@code full} or {@code both}; anything else fails naming the valid values. */
  public static List<NodeListMode> parse(String value) {
    if ("both".equals(value)) {
      return List.of(values());
    }
    return Arrays.stream(values()).filter(m -> m.label().equals(value)).findFirst().map(List::of)
        .orElseThrow(() -> new IllegalArgumentException(
            "mode: expected names, full or both, got '" + value + "'"));
  }
}
