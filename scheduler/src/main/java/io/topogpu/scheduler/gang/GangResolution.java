package io.topogpu.scheduler.gang;

/** The outcome of resolving a pod's gang: not a gang, a gang, or a gang whose size is unknown. */
public sealed interface GangResolution {

  /** The pod names no gang: it is placed on its own. */
  record Single() implements GangResolution {}

  record Member(GangIdentity gang) implements GangResolution {}

  /**
   * The pod names a gang but its size cannot be found or is invalid. Never guessed: the pod is
   * not placed, and {@code message} (for an event and the filter error) says what to fix.
   */
  record Unresolved(String gang, String message) implements GangResolution {}

  GangResolution SINGLE = new Single();
}
