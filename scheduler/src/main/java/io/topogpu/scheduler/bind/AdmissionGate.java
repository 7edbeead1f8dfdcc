package io.topogpu.scheduler.bind;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.topology.Keys;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A binder that keeps the node agent's device plugin able to tell pods apart. The kubelet names no
 * pod when it asks the plugin for devices, so the plugin matches the request to a bound pod by
 * resource and size; two pods of the same resource and size bound to one node, neither admitted
 * yet, could be swapped (docs/nodeagent.md, "What the matching rule cannot tell apart").
 *
 * <p>Contract: on a node served by topogpu's device plugin (its kubelet advertises {@code
 * topogpu.io/gpu-milli}, a resource only that plugin serves), at most one pod per <em>lane</em>
 * (node, resource, count) has its binding posted and is not yet admitted by the kubelet (admitted:
 * {@code status.startTime} set, or the pod terminal or gone). A commit on a busy lane waits for the
 * admission, at most {@code maxWait}; past it the binding is posted anyway (a kubelet that is down
 * admits nothing) and a warning says so. Pods on other lanes, and every pod on other nodes, never
 * wait. A one-step {@link #bind} waits like a commit. Prepare and undo pass straight through.
 */
public final class AdmissionGate implements Binder {
  private static final Logger log = LoggerFactory.getLogger(AdmissionGate.class);
  /** How long a bind waits for the kubelet to admit the pod before it on its lane. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(10);
  private static final long POLL_MILLIS = 20;

  /** What the device plugin matches a request by. */
  record Lane(String node, String resource, long count) {}

  private final Binder inner;
  private final Function<String, Optional<PodInfo>> pods;
  private final Function<String, Optional<ClusterNode>> nodes;
  private final Duration maxWait;
  /** lane → the pod whose binding was posted last on it; guarded by {@code this}. */
  private final Map<Lane, String> posted = new HashMap<>();

  public AdmissionGate(Binder inner, Function<String, Optional<PodInfo>> pods,
      Function<String, Optional<ClusterNode>> nodes, Duration maxWait) {
    this.inner = inner;
    this.pods = pods;
    this.nodes = nodes;
    this.maxWait = maxWait;
  }

  @Override
  public Prepared prepare(BindTarget target) {
    return inner.prepare(target);
  }

  @Override
  public void commit(BindTarget target) {
    inTurn(target, () -> inner.commit(target));
  }

  /** The inner binder's one-step bind, in turn on the target's lane like {@link #commit}. */
  @Override
  public void bind(BindTarget target) {
    inTurn(target, () -> inner.bind(target));
  }

  private void inTurn(BindTarget target, Runnable post) {
    Optional<Lane> lane = lane(target);
    if (lane.isEmpty()) {
      post.run();
      return;
    }
    awaitTurn(lane.get(), target.key());
    try {
      post.run();
    } catch (RuntimeException e) {
      synchronized (this) {
        posted.remove(lane.get(), target.key());
        notifyAll();
      }
      throw e;
    }
  }

  @Override
  public boolean undo(BindTarget target, String why) {
    return inner.undo(target, why);
  }

  /** Waits until {@code lane} is free, then takes it for {@code pod}. */
  private synchronized void awaitTurn(Lane lane, String pod) {
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (true) {
      String before = posted.get(lane);
      if (before == null || before.equals(pod) || admittedOrGone(before)) {
        break;
      }
      if (System.nanoTime() >= deadline) {
        log.warn("binding {} to {} although {} (same {} x {}) is not admitted by the kubelet after {} s: "
            + "the device plugin may swap their devices", pod, lane.node(), before, lane.count(), lane.resource(),
            maxWait.toSeconds());
        break;
      }
      try {
        wait(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BindException("interrupted while waiting for the kubelet to admit " + before);
      }
    }
    posted.put(lane, pod);
  }

  private boolean admittedOrGone(String podKey) {
    Optional<PodInfo> p = pods.apply(podKey);
    return p.isEmpty() || p.get().startTime().isPresent() || p.get().terminal();
  }

  /** The lane of {@code target}, or empty when no device plugin of topogpu's serves its node. */
  Optional<Lane> lane(BindTarget target) {
    if (target.assignment().isEmpty() || !servedByTopogpuPlugin(target.node())) {
      return Optional.empty();
    }
    Assignment a = target.assignment().get();
    if (a.isShare()) {
      return Optional.of(new Lane(target.node(), Keys.RESOURCE_GPU_MILLI, a.milli()));
    }
    if (!a.mig().isEmpty()) {
      return Optional.of(new Lane(target.node(), Keys.RESOURCE_MIG_PREFIX + a.mig().get(0).profile(),
          a.mig().size()));
    }
    return Optional.of(new Lane(target.node(), Keys.RESOURCE_GPU, a.gpus().size()));
  }

  private boolean servedByTopogpuPlugin(String node) {
    return nodes.apply(node).map(n -> n.allocatable().getOrDefault(Keys.RESOURCE_GPU_MILLI, 0L) > 0).orElse(false);
  }
}
