package io.topogpu.scheduler.service;

import io.topogpu.scheduler.extender.BindRequest;
import io.topogpu.scheduler.model.PodInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which binds the extender carries out: only of pods it placed. Bind writes a binding through the
 * API server with the scheduler's rights, so a caller that reaches the bind verb must not be able
 * to bind an arbitrary pod. A bind is refused, with a reason, when
 *
 * <ol>
 *   <li>it carries no {@code PodUID}, or one that is not the cached pod's;
 *   <li>the pod asks for another scheduler ({@code spec.schedulerName}; a pod without one, which
 *       only a hand-written object can be, is not refused for that);
 *   <li>the pod requests no managed GPU resource (kube-scheduler only calls the extender for pods
 *       that do, {@code managedResources});
 *   <li>the node is not in topogpu's cache;
 *   <li>no filter answered by this process was for this pod (same key and UID): kube-scheduler
 *       always filters before it binds, so this refuses binds that skip the placement. After a
 *       restart the first bind of a pod filtered by the previous process is refused once, and
 *       kube-scheduler schedules the pod again.
 * </ol>
 *
 * Remembers the {@value #MAX_REMEMBERED} most recently filtered pods; older ones must be filtered
 * again. Thread-safe.
 */
public final class BindGuard {
  public static final String DEFAULT_SCHEDULER_NAME = "topogpu";
  public static final int MAX_REMEMBERED = 10_000;

  private final String schedulerName;
  private final Map<String, String> filtered =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };

  public BindGuard(String schedulerName) {
    if (schedulerName == null || schedulerName.isBlank()) {
      throw new IllegalArgumentException("schedulerName: required, got '" + schedulerName + "'");
    }
    this.schedulerName = schedulerName;
  }

  public String schedulerName() {
    return schedulerName;
  }

  /** A filter was answered for {@code pod}. */
  public synchronized void filtered(PodInfo pod) {
    filtered.put(pod.key(), pod.uid());
  }

  /** Why {@code request} for the cached {@code pod} must not be carried out; empty when it may. */
  public Optional<String> refusal(BindRequest request, PodInfo pod, boolean nodeKnown) {
    String key = pod.key();
    if (request.podUid().isEmpty()) {
      return Optional.of("PodUID: required; topogpu binds only a pod it can identify");
    }
    if (!request.podUid().equals(pod.uid())) {
      return Optional.of(
          "pod " + key + " has UID " + pod.uid() + ", the bind is for UID " + request.podUid());
    }
    if (!pod.schedulerName().isEmpty() && !pod.schedulerName().equals(schedulerName)) {
      return Optional.of("pod " + key + " asks for scheduler " + quoted(pod.schedulerName())
          + ", not " + quoted(schedulerName) + "; topogpu binds only pods it placed");
    }
    if (!pod.managed()) {
      return Optional.of("pod " + key + " requests no GPU resource topogpu manages; topogpu binds"
          + " only pods it placed");
    }
    if (!nodeKnown) {
      return Optional.of("node " + request.node() + " is not in topogpu's cache");
    }
    synchronized (this) {
      if (!pod.uid().equals(filtered.get(key))) {
        return Optional.of("pod " + key + " was not filtered by this extender (since it started);"
            + " topogpu binds only pods it placed");
      }
    }
    return Optional.empty();
  }

  private static String quoted(String s) {
    return "'" + s + "'";
  }
}
