package io.topogpu.scheduler.kube;

/**
 * A Kubernetes object topogpu cannot use. The message starts with the field path inside the object
 * ({@code metadata.annotations[topogpu.io/gpus]: ...}); callers prefix where the object came from.
 */
public final class KubeObjectException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KubeObjectException(String message) {
    super(message);
  }
}
