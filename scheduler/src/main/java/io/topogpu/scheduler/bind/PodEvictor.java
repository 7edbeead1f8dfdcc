package io.topogpu.scheduler.bind;

/**
 * Evicts a running pod for preemption: the only deletion topogpu makes on its own decision (the
 * rest of a gang whose member kube-scheduler preempted). Best effort, never throws: a pod already
 * gone, or recreated under another UID, is not touched.
 */
@FunctionalInterface
public interface PodEvictor {

  /**
   * Deletes pod {@code namespace/name} if its UID is still {@code uid}.
   *
   * @param why logged with the deletion
   * @return whether a delete was accepted
   */
  boolean evict(String namespace, String name, String uid, String why);

  /** Deletes nothing. */
  PodEvictor NONE = (namespace, name, uid, why) -> false;
}
