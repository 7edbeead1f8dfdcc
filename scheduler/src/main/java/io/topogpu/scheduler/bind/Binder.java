package io.topogpu.scheduler.bind;

/**
 * Writes a bind decision: the only place where the scheduler writes to the cluster. The caller has
 * already fixed and held the devices in the ledger; a binder only records them on the pod and binds
 * it, and throws {@link BindException} when it could not, so the caller can roll the ledger back.
 *
 * <p>A single pod is bound by {@link #bind}, which a binder makes one write where it can (the
 * Kubernetes binder: one POST of the binding carrying the annotation). Gang members go in two
 * steps, so that a gang can record every member's devices before binding any of them:
 *
 * <ol>
 *   <li>{@link #prepare}: checks the pod (exists, same UID, not bound elsewhere) and records its
 *       devices in {@code topogpu.io/gpus}. Harmless on its own: only bound pods hold devices, so an
 *       annotation on a pod that is never bound is ignored and overwritten by the next bind;
 *   <li>{@link #commit}: binds the pod to the node. From here the kubelet may start it.
 * </ol>
 *
 * <p>Idempotent: a pod that is already bound to the same node (with its {@code topogpu.io/gpus}
 * annotation when devices are given) prepares as {@link Prepared#ALREADY_BOUND} without writing
 * anything, and must not be committed again.
 */
public interface Binder {

  /** Step 1: checks the pod and records its devices; throws {@link BindException} on failure. */
  Prepared prepare(BindTarget target);

  /** Step 2, after {@link #prepare} answered {@link Prepared#READY}: binds; throws {@link BindException}. */
  void commit(BindTarget target);

  /**
   * Takes back a bind that must not stand (a gang member bound while another member's binding was
   * refused): deletes the pod if a controller owns it, so the controller creates it anew and it is
   * scheduled again; a pod without a controller is left alone, since deleting it would lose it.
   * Best effort, never throws: a pod already gone, or recreated under another UID, is not touched.
   *
   * @param why logged with the deletion
   * @return whether the pod was deleted
   */
  boolean undo(BindTarget target, String why);

  /**
   * Binds {@code target.pod} to {@code target.node} with its devices recorded, as one step; throws
   * {@link BindException} on failure. Idempotent like the two steps: a pod already bound there with
   * the same devices is success. By default both steps, one after the other.
   */
  default void bind(BindTarget target) {
    if (prepare(target) == Prepared.READY) {
      commit(target);
    }
  }

  /** What {@link #prepare} found. */
  enum Prepared {
    /** Devices recorded; the binding is still to be posted. */
    READY,
    /** The pod is already bound there with its devices recorded: nothing to commit. */
    ALREADY_BOUND
  }
}
