package io.topogpu.scheduler.gang;

import java.util.Optional;

/**
 * The size of a PodGroup custom resource (scheduler-plugins {@code scheduling.x-k8s.io} or Volcano
 * {@code scheduling.volcano.sh}): its {@code spec.minMember}. Implemented by the Kubernetes adapter
 * over an informer; empty when the CRD is not installed, the object does not exist (yet), or it
 * has no positive {@code minMember}. Must not block.
 */
@FunctionalInterface
public interface PodGroupSizes {
  /** Knows no PodGroup: every lookup is empty. */
  PodGroupSizes NONE = (namespace, name) -> Optional.empty();

  Optional<Integer> size(String namespace, String name);
}
