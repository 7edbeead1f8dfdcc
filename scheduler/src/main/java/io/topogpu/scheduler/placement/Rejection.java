package io.topogpu.scheduler.placement;

import java.util.Objects;

/**
 * Why a node cannot take a pod, as data.
 *
 * @param code short machine name, stable for metrics and scripts ({@code insufficient-nvlink})
 * @param reason a plural verb phrase that reads after a node count, identical for every node with
 *     the same cause so that kube-scheduler's "0/12 nodes are available: 9 have fewer than 4 free
 *     GPUs in one NVLink domain" aggregates it
 * @param resolvable true when the node could take the pod after pods leave it (preemption may
 *     help); false when it never can
 * @param detail node-specific facts for humans (what is free, why the topology is unknown); may be
 *     empty; not part of the aggregated message
 */
public record Rejection(String code, String reason, boolean resolvable, String detail) {
  public Rejection {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(reason, "reason");
    detail = Objects.requireNonNullElse(detail, "");
  }

  /** The reason with the detail, for one node's line in the what-if output. */
  public String explain() {
    return detail.isEmpty() ? reason : reason + " (" + detail + ")";
  }
}
