package io.topogpu.scheduler.state;

import io.topogpu.scheduler.model.Assignment;

/**
 * The outcome of {@link ClusterState#claim}: the devices a bind may write, or why it may not.
 * Rejections are data, so the caller decides the wire answer.
 */
public sealed interface Claim {

  /** The devices are now held in the ledger by the pod; the caller must bind or roll back. */
  record Granted(Assignment assignment) implements Claim {}

  /**
   * The pod already held devices before this claim (an earlier bind of ours succeeded, or the pod
   * was seen bound); nothing was changed.
   */
  record AlreadyHeld(Assignment assignment) implements Claim {}

  /** The node cannot take the pod on the freshest state; nothing was changed. */
  record Refused(String reason) implements Claim {}
}
