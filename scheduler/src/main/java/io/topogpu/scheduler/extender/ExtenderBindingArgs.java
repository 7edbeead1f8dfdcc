package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of the bind call ({@code ExtenderBindingArgs}). Validated on construction: name, namespace
 * and node are required; the UID may be empty (kube-scheduler always sends it, older callers may
 * not).
 */
public record ExtenderBindingArgs(
    @JsonProperty("PodName") String podName,
    @JsonProperty("PodNamespace") String podNamespace,
    @JsonProperty("PodUID") String podUid,
    @JsonProperty("Node") String node) {

  public ExtenderBindingArgs {
    requireNamed("PodName", podName);
    requireNamed("PodNamespace", podNamespace);
    requireNamed("Node", node);
    podUid = podUid == null ? "" : podUid;
  }

  private static void requireNamed(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + ": required, got " + ExtenderArgs.quoted(value));
    }
  }
}
