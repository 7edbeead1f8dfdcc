package io.topogpu.nodeagent.plugin;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the kubelet's PodResources {@code List} reported: pod key ({@code namespace/name}) → container
 * → resource → device IDs, restricted to the resources this plugin owns. Immutable.
 */
public record KubeletAllocations(Map<String, Map<String, Map<String, List<String>>>> pods) {
  public static final KubeletAllocations NONE = new KubeletAllocations(Map.of());

  public KubeletAllocations {
    pods = Map.copyOf(pods);
  }

  public boolean holds(String podKey, String container, String resource) {
    return !pods.getOrDefault(podKey, Map.of()).getOrDefault(container, Map.of())
        .getOrDefault(resource, List.of()).isEmpty();
  }

  /** Every device ID some container holds. */
  public Set<String> allDevices() {
    Set<String> out = new HashSet<>();
    pods.values().forEach(cs -> cs.values().forEach(rs -> rs.values().forEach(out::addAll)));
    return out;
  }
}
