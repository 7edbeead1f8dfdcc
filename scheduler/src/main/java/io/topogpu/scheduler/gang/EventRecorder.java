package io.topogpu.scheduler.gang;

/**
 * Records a Kubernetes Event on a pod. The core says what happened; the adapter ({@code
 * gang.kube.KubeEventRecorder}) writes a core/v1 Event. Best effort: an event that cannot be written
 * is logged and dropped, never fails scheduling.
 */
@FunctionalInterface
public interface EventRecorder {

  /** One event on pod {@code podKey} ({@code namespace/name}). */
  void record(String podKey, Type type, String reason, String message);

  /** The Event {@code type} field. */
  enum Type { Normal, Warning }

  /** Records nothing. */
  EventRecorder NONE = (podKey, type, reason, message) -> {};
}
