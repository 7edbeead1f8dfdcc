package io.topogpu.scheduler.state;

import io.topogpu.scheduler.bind.Binder;

/**
 * Where the cluster state comes from and where binds go: an API server ({@link InformerSource}) or
 * a snapshot file ({@link SnapshotSource}). A source feeds nodes and pods into a {@link
 * ClusterState} only through its writer methods, and makes it ready once the ledger is rebuilt.
 */
public interface StateSource extends AutoCloseable {

  /**
   * Starts feeding {@code state}; returns without waiting for the initial sync. {@link
   * ClusterState#readiness()} turns ready once the ledger has been rebuilt from the full listing.
   */
  void start(ClusterState state);

  /**
   * Whether the source announces pods created after it started (informers do); when not, the
   * backend learns pending pods from kube-scheduler's filter requests.
   */
  boolean announcesNewPods();

  /** The writer of bindings that matches this source. */
  Binder binder();

  /** Stops feeding; never throws. */
  @Override
  void close();
}
