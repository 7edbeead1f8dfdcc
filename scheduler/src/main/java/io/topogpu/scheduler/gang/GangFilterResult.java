package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.model.Assignment;

/** What the coordinator says about one pod at filter. */
public sealed interface GangFilterResult {

  /** The pod is in no gang: place it on its own (minding {@link GangCoordinator#heldAgainst}). */
  record Single() implements GangFilterResult {}

  /** The pod names a gang whose size is unknown: fail the filter with this message. */
  record Unresolved(String gang, String message) implements GangFilterResult {}

  /** The member's planned node and devices, reserved for it: the only node that passes. */
  record Planned(String gang, String node, Assignment assignment) implements GangFilterResult {}

  /** The gang cannot be placed now; the same reason is given to every member. */
  record Rejected(GangRejection rejection) implements GangFilterResult {}

  GangFilterResult SINGLE = new Single();
}
