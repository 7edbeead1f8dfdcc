package io.topogpu.scheduler.service;

import io.topogpu.scheduler.model.PodInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pods known only from filter requests, for a state source that announces no new pods (a
 * snapshot): bind needs the pod, and kube-scheduler sends it only with filter and prioritize.
 * Kept apart from {@link io.topogpu.scheduler.state.ClusterState}, so filter never changes the
 * ledger: a pod here is kept pending and holding nothing ({@link PodInfo#pending()}), whatever
 * node or {@code topogpu.io/gpus} the request claims. Bounded: the {@value #MAX_PODS} most recently
 * filtered are kept, older ones must be filtered again; a bound pod moves to the cluster state.
 */
final class RequestedPods {
  static final int MAX_PODS = 10_000;

  private final Map<String, PodInfo> pods =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PodInfo> eldest) {
          return size() > MAX_PODS;
        }
      };

  synchronized void remember(PodInfo pod) {
    pods.put(pod.key(), pod.pending());
  }

  synchronized Optional<PodInfo> get(String key) {
    return Optional.ofNullable(pods.get(key));
  }

  synchronized void forget(String key) {
    pods.remove(key);
  }

  synchronized int size() {
    return pods.size();
  }
}
