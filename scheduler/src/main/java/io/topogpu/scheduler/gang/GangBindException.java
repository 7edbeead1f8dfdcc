package io.topogpu.scheduler.gang;

/**
 * A gang member's bind that will not happen: the gang timed out at the barrier, a member was
 * deleted, or the pod was not planned for that node. kube-scheduler retries the pod later.
 */
public final class GangBindException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GangBindException(String message) {
    super(message);
  }
}
