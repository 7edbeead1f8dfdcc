package io.topogpu.nodeagent.plugin;

import io.topogpu.topology.annotation.BoundGpus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A pod bound to this node with a {@code topogpu.io/gpus} choice, as the admission matcher sees it.
 *
 * @param boundAt when the pod was bound: its PodScheduled condition's time (whole seconds), else
 *     its creation time
 * @param asks per resource, the containers asking for it in spec order (init containers first),
 *     with their amounts; containers asking for none are left out
 */
public record PendingPod(String namespace, String name, String uid, Instant boundAt,
    Map<String, List<Ask>> asks, BoundGpus chosen) {

  /** One container's amount of one resource. */
  public record Ask(String container, int size) {}

  public PendingPod {
    asks = Map.copyOf(asks);
  }

  public String key() {
    return namespace + "/" + name;
  }
}
