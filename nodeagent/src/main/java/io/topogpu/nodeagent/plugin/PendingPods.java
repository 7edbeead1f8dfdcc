package io.topogpu.nodeagent.plugin;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * The pods bound to this node that may be being admitted, from two sources: a watch cache, cheap and
 * possibly behind the API server, and a fresh read, which is at least as new as anything the kubelet
 * has seen (the kubelet learns of a bind from the same API server, before it asks the plugin).
 */
public interface PendingPods {
  /** What the watch has delivered so far. */
  Collection<PendingPod> cached();

  /** What the API server holds now; falls back to {@link #cached()} where it cannot be read. */
  Collection<PendingPod> fresh();

  /** One source for both: for tests and callers without an API server. */
  static PendingPods of(Supplier<Collection<PendingPod>> pods) {
    return new PendingPods() {
      @Override
      public Collection<PendingPod> cached() {
        return pods.get();
      }

      @Override
      public Collection<PendingPod> fresh() {
        return pods.get();
      }
    };
  }
}
