package io.topogpu.scheduler.extender;

import java.util.regex.Pattern;

/**
 * Why one node cannot take the pod. {@code reason} is a short stable code (a metric label, so a
 * small fixed set such as {@code InsufficientGpus}, {@code NodeNotInCache}); {@code message} is the
 * human text kube-scheduler shows in the pod's {@code FailedScheduling} event, which groups nodes
 * by identical message, so it should not contain the node name. {@code unresolvable} means evicting
 * pods cannot help (the node has too few GPUs even when empty), which kube-scheduler learns from
 * {@code FailedAndUnresolvableNodes} and then skips the node in preemption.
 */
public record NodeRejection(String reason, String message, boolean unresolvable) {
  private static final Pattern REASON = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  public NodeRejection {
    if (reason == null || !REASON.matcher(reason).matches()) {
      throw new IllegalArgumentException(
          "reason: must match " + REASON.pattern() + ", got " + ExtenderArgs.quoted(reason));
    }
    if (message == null || message.isBlank()) {
      throw new IllegalArgumentException("message: required for reason " + reason);
    }
  }

  /** Could fit after other pods leave: kube-scheduler may preempt for it. */
  public static NodeRejection resolvable(String reason, String message) {
    return new NodeRejection(reason, message, false);
  }

  /** Cannot fit whatever is evicted. */
  public static NodeRejection unresolvable(String reason, String message) {
    return new NodeRejection(reason, message, true);
  }
}
