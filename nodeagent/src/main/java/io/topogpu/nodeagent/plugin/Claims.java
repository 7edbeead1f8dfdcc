package io.topogpu.nodeagent.plugin;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Containers this agent answered Allocate for, until PodResources shows the devices. A claim lives
 * until PodResources reports any of its devices (to this pod: confirmed; to another: the match was
 * wrong and the claim is void) or its pod leaves the pending set. Thread-safe.
 */
final class Claims {
  private record Key(String pod, String container, String resource) {}

  private final Map<Key, List<String>> claims = new ConcurrentHashMap<>();

  void claim(PendingPod pod, String container, String resource, List<String> ids) {
    claims.put(new Key(pod.key(), container, resource), List.copyOf(ids));
  }

  boolean claimed(PendingPod pod, String container, String resource) {
    return claims.containsKey(new Key(pod.key(), container, resource));
  }

  /** Drops claims PodResources has caught up with, and claims of pods no longer pending. */
  void refresh(KubeletAllocations reported, Collection<String> pendingKeys) {
    Set<String> held = reported.allDevices();
    Set<String> pending = Set.copyOf(pendingKeys);
    claims.entrySet().removeIf(e -> !pending.contains(e.getKey().pod()) || e.getValue().stream().anyMatch(held::contains));
  }

  int size() {
    return claims.size();
  }
}
