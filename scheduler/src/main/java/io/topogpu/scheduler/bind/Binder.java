package io.topogpu.scheduler.bind;

/**
 * Writes a bind decision: the only place where the scheduler writes to the cluster. The caller has
 * already fixed and held the devices in the ledger; a binder only records them on the pod and binds
 * it, and throws {@link BindException} when it could not, so the caller can roll the ledger back.
 *
 * <p>Idempotent: binding a pod that is already bound to the same node (with its {@code
 * topogpu.io/gpus} annotation when devices are given) succeeds without writing anything.
 */
public interface Binder {

  /** Binds {@code target.pod} to {@code target.node}; throws {@link BindException} on failure. */
  void bind(BindTarget target);
}
