package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.topology.Keys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Every sentence gang planning and coordination produce, in one place. */
final class GangReasons {
  private GangReasons() {}

  /** {@code 4×8 GPUs}; mixed gangs: {@code 2 × 8 GPUs + 1 × 250 milli-GPU}. */
  static String demand(List<PodInfo> members) {
    Map<GpuRequest, Long> groups = new LinkedHashMap<>();
    members.forEach(m -> groups.merge(m.request().orElseThrow(), 1L, Long::sum));
    if (groups.size() == 1 && groups.keySet().iterator().next() instanceof GpuRequest.WholeGpus w) {
      return members.size() + "×" + w.count() + (w.count() == 1 ? " GPU" : " GPUs");
    }
    return groups.entrySet().stream().map(e -> e.getValue() + " × " + e.getKey().describe())
        .collect(Collectors.joining(" + "));
  }

  /** "gang g needs 4×8 GPUs within one leaf" (or "in the cluster" when no tier is required). */
  static String needs(String gang, List<PodInfo> members, int fixed, String level) {
    String where = level.equals(GangPlanner.CLUSTER) ? "" : " within one " + level;
    String next = fixed == 0 ? "" : " next to its " + fixed + " placed " + (fixed == 1 ? "member" : "members");
    return "gang " + gang + " needs " + demand(members) + where + next;
  }

  /** "the largest leaf has 3 nodes with 8 free" / "the cluster has ...". */
  static String nodesWithFree(String level, int nodes, int k) {
    return largest(level) + " has " + nodes + (nodes == 1 ? " node" : " nodes") + " with " + k + " free";
  }

  /** "the largest leaf has room for 3 of the 4 members". */
  static String room(String level, int placed, int wanted) {
    return largest(level) + " has room for " + placed + " of the " + wanted + " members";
  }

  private static String largest(String level) {
    return level.equals(GangPlanner.CLUSTER) ? "the cluster" : "the largest " + level;
  }

  static String unknownLevel(String key, String level, List<String> valid) {
    return key + ": unknown level '" + level + "'; valid levels: " + String.join(", ", valid);
  }

  static String requiredKey() {
    return Keys.PLACEMENT_REQUIRED;
  }

  static String preferredKey() {
    return Keys.PLACEMENT_PREFERRED;
  }
}
