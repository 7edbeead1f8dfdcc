package io.topogpu.scheduler.bind;

import io.topogpu.scheduler.model.Assignment;
import java.util.Objects;
import java.util.Optional;

/**
 * One bind to write.
 *
 * @param uid the pod's UID when known (empty otherwise); a binder refuses a pod with another UID
 * @param assignment the devices to record in {@code topogpu.io/gpus}; empty for a pod that asks for
 *     no managed resource (it is bound, nothing is recorded)
 */
public record BindTarget(
    String namespace, String name, String uid, String node, Optional<Assignment> assignment) {

  public BindTarget {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(node, "node");
    uid = Objects.requireNonNullElse(uid, "");
    assignment = Objects.requireNonNullElse(assignment, Optional.empty());
  }

  public String key() {
    return namespace + "/" + name;
  }
}
