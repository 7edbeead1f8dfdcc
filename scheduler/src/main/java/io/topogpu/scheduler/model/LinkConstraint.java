package io.topogpu.scheduler.model;

/**
 * The node-level part of a placement constraint: which GPUs of one node may form the pod's set.
 * Levels wider than a node ({@code node}, network tiers) constrain nothing inside a node.
 */
public enum LinkConstraint {
  /** Any GPUs of the node. */
  NONE,
  /** All GPUs in one NVLink domain ({@code NodeTopology.nvlinkDomains()}). */
  NVLINK,
  /** All GPUs in one NUMA group ({@code NodeTopology.numaGroups()}). */
  NUMA;

  public static LinkConstraint of(String level) {
    return switch (level) {
      case Placement.NVLINK -> NVLINK;
      case Placement.NUMA -> NUMA;
      default -> NONE;
    };
  }
}
