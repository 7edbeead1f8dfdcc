package io.topogpu.scheduler.state;

import io.topogpu.scheduler.extender.Readiness;
import io.topogpu.scheduler.ledger.AllocationConflict;
import io.topogpu.scheduler.ledger.Attributor;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.LedgerNote;
import io.topogpu.scheduler.ledger.NodeLookup;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.NodeEvaluation;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of the scheduler's view of the cluster: the node and pod caches and the {@link
 * Ledger} of who holds which GPUs. Informer events, snapshot loads, bind claims and rollbacks all
 * go through the {@code synchronized} methods below, so they apply one at a time, each as a whole.
 * Request handlers read without locking: {@link #node}/{@link #nodes} return immutable {@link
 * NodeState} snapshots, {@link #pod} an immutable {@link PodInfo}.
 *
 * <p>How pods map to holdings (every rule idempotent, so relists, resyncs and replays are safe):
 *
 * <ul>
 *   <li>bound, managed, not terminal: holds what its {@code topogpu.io/allocated} annotation (the
 *       devices the kubelet really allocated, written by the node agent) says for its node, else
 *       what its {@code topogpu.io/gpus} annotation says; without a usable one, what the {@link
 *       Attributor} decides. Pods whose two annotations disagree are counted in {@link
 *       #allocationMismatches()};
 *   <li>pending: keeps whatever it holds, so a bind in flight (claimed, not yet seen bound through
 *       the informer) is never undone by a stale event;
 *   <li>Succeeded, Failed or deleted: holds nothing.
 * </ul>
 *
 * <p>A bound pod whose node is not known yet holds nothing until the node arrives; {@link #putNode}
 * then accounts it.
 */
public final class ClusterState {
  private static final Logger log = LoggerFactory.getLogger(ClusterState.class);
  static final String NOT_SYNCED = "cluster state not synced yet";

  private final Ledger ledger = new Ledger();
  private final Attributor attributor;
  /** Every pod seen, by {@code namespace/name}; written only under this object's lock. */
  private final ConcurrentHashMap<String, PodInfo> pods = new ConcurrentHashMap<>();

  /** Binds not yet seen back from the source: pod key → System.nanoTime() of the bind. */
  private final Map<String, Long> awaitingEcho = new HashMap<>();
  /** Most binds awaited at once; beyond it (a source that never echoes) new ones are not timed. */
  static final int MAX_AWAITED_ECHOES = 10_000;

  /** Pods whose {@code topogpu.io/gpus} does not decode: key → the problem. */
  private final ConcurrentHashMap<String, String> unreadable = new ConcurrentHashMap<>();
  /** Pods holding GPUs whose actual allocation differs from the scheduler's choice; under the lock. */
  private final java.util.Set<String> mismatched = ConcurrentHashMap.newKeySet();

  private volatile Readiness readiness = Readiness.notReady(NOT_SYNCED);
  private volatile double informerLagSeconds;

  /** @param attributor decides what an unannotated bound pod holds ({@code Placer::attribute}) */
  public ClusterState(Attributor attributor) {
    this.attributor = attributor;
  }

  /**
   * Told of pods that stop holding GPUs for good (deleted, or terminal) and of every full rebuild;
   * called under this object's lock, so it must only take locks that never wait on this one (gang
   * coordination: coordinator, then ledger).
   */
  public interface PodWatcher {
    void gone(String podKey);

    void rebuilt(Collection<PodInfo> pods);

    PodWatcher NONE = new PodWatcher() {
      @Override
      public void gone(String podKey) {}

      @Override
      public void rebuilt(Collection<PodInfo> pods) {}
    };
  }

  private final List<PodWatcher> watchers = new CopyOnWriteArrayList<>();

  /** Every watcher, in the order added, as one. */
  private final PodWatcher watcher = new PodWatcher() {
    @Override
    public void gone(String podKey) {
      watchers.forEach(w -> w.gone(podKey));
    }

    @Override
    public void rebuilt(Collection<PodInfo> pods) {
      watchers.forEach(w -> w.rebuilt(pods));
    }
  };

  /**
   * Adds a {@link PodWatcher} (gang coordination, preemption's gang evictions); before the state
   * source starts. Watchers are told in the order added.
   */
  public void watch(PodWatcher watcher) {
    watchers.add(watcher);
  }

  /**
   * The ledger, for gang coordination, which reserves and converts capacity under the ledger's
   * lock; {@link #claim} takes the same lock, so a claim never interleaves with a gang's plan.
   */
  public Ledger ledger() {
    return ledger;
  }

  // ---- reads: lock-free, immutable snapshots ----

  public Optional<NodeState> node(String name) {
    return ledger.node(name);
  }

  public Collection<NodeState> nodes() {
    return ledger.nodes();
  }

  public int nodeCount() {
    return ledger.nodeCount();
  }

  /** The states of {@code names} by position ({@link Ledger#lookup}); {@code null} where unknown. */
  public NodeLookup lookup(List<String> names) {
    return ledger.lookup(names);
  }

  public Optional<PodInfo> pod(String key) {
    return Optional.ofNullable(pods.get(key));
  }

  /** Every pod seen, a live read-only view (preemption reads gang membership from it). */
  public Collection<PodInfo> pods() {
    return Collections.unmodifiableCollection(pods.values());
  }

  public Optional<Assignment> holding(String podKey) {
    return ledger.holding(podKey);
  }

  /**
   * Seconds between the latest echoed bind and the source delivering that pod bound: how far the
   * informer trails the API server. 0 until a bind has come back.
   */
  public double informerLagSeconds() {
    return informerLagSeconds;
  }

  /**
   * Pods that hold GPUs and whose {@code topogpu.io/allocated} (what the kubelet gave them) differs
   * from {@code topogpu.io/gpus} (what topogpu chose); the ledger counts the former.
   */
  public int allocationMismatches() {
    return mismatched.size();
  }

  /** Ready once a full listing has been loaded by {@link #replaceAll}. */
  public Readiness readiness() {
    return readiness;
  }

  /** How many cached pods carry a {@code topogpu.io/gpus} annotation that does not decode. */
  public int unreadableAssignments() {
    return unreadable.size();
  }

  // ---- writes: one at a time ----

  /**
   * Records whether pod {@code key}'s {@code topogpu.io/gpus} could be read ({@code problem} empty)
   * or not; such a pod is passed to {@link #putPod} without an assignment and counted as
   * unannotated. Returns true when the problem is new or changed (worth an Event).
   */
  public synchronized boolean noteAssignment(String key, Optional<String> problem) {
    if (problem.isEmpty()) {
      unreadable.remove(key);
      return false;
    }
    return !problem.get().equals(unreadable.put(key, problem.get()));
  }

  /**
   * Replaces everything with a full listing and becomes ready: the ledger is rebuilt as after a
   * restart ({@link Ledger#rebuild}), so the same listing always gives the same ledger. The
   * listing is taken inside the lock: an informer event either lands in the listing or is
   * applied after it.
   */
  public synchronized List<LedgerNote> replaceAll(
      Supplier<Collection<ClusterNode>> nodes, Supplier<Collection<PodInfo>> allPods) {
    Collection<PodInfo> listed = allPods.get();
    List<LedgerNote> notes = ledger.rebuild(nodes.get(), listed, attributor);
    pods.clear();
    mismatched.clear();
    listed.forEach(p -> {
      pods.put(p.key(), p);
      trackMismatch(p);
    });
    notes.forEach(n -> log.info("ledger rebuild: {}", n));
    watcher.rebuilt(listed);
    readiness = Readiness.READY;
    return notes;
  }

  /** Makes every verb answer "not ready" until the next {@link #replaceAll}. */
  public synchronized void markNotReady(String reason) {
    readiness = Readiness.notReady(reason);
  }

  public synchronized void putNode(ClusterNode node) {
    boolean known = ledger.node(node.name()).isPresent();
    ledger.putNode(node).forEach(n -> log.warn("node update: {}", n));
    if (!known) {
      pods.values().stream()
          .filter(p -> p.holdsGpus() && p.nodeName().get().equals(node.name()))
          .sorted(Comparator.comparing(PodInfo::key))
          .forEach(this::account);
    }
  }

  public synchronized void removeNode(String name) {
    ledger.removeNode(name);
  }

  /** Applies a pod as the API server now shows it (added, updated, relisted, resynced). */
  public synchronized void putPod(PodInfo pod) {
    pods.put(pod.key(), pod);
    trackMismatch(pod);
    if (pod.nodeName().isPresent()) {
      Long boundAt = awaitingEcho.remove(pod.key());
      if (boundAt != null) {
        informerLagSeconds = (System.nanoTime() - boundAt) / 1e9;
      }
    }
    Optional<Assignment> held = ledger.holding(pod.key());
    if (pod.terminal() || (!pod.managed() && held.isPresent())) {
      ledger.release(pod.key());
      if (pod.terminal()) {
        watcher.gone(pod.key());
      }
      return;
    }
    if (!pod.holdsGpus()) {
      return;
    }
    String node = pod.nodeName().orElseThrow();
    if (held.isPresent() && held.get().node().equals(node)) {
      Optional<Assignment> annotated = pod.held();
      if (annotated.isEmpty() || annotated.get().sameDevices(held.get())) {
        return;
      }
      ledger.release(pod.key());
    } else if (held.isPresent()) {
      ledger.release(pod.key());
    }
    account(pod);
  }

  /** The pod is gone: its devices are free. */
  public synchronized void removePod(String key) {
    pods.remove(key);
    unreadable.remove(key);
    mismatched.remove(key);
    awaitingEcho.remove(key);
    ledger.release(key);
    watcher.gone(key);
  }

  /**
   * Fixes a pod's devices on {@code node} against the freshest state and holds them, atomically:
   * no other claim or event can slip between the evaluation and the allocation, so two claims
   * never get the same GPU. {@code evaluate} is the placement core's verdict on the node.
   */
  public synchronized Claim claim(
      PodInfo pod, String node, Function<NodeState, NodeEvaluation> evaluate) {
    synchronized (ledger) {
      return claimLocked(pod, node, evaluate);
    }
  }

  private Claim claimLocked(PodInfo pod, String node, Function<NodeState, NodeEvaluation> evaluate) {
    Optional<Assignment> held = ledger.holding(pod.key());
    if (held.isPresent()) {
      return new Claim.AlreadyHeld(held.get());
    }
    Optional<NodeState> state = ledger.node(node);
    if (state.isEmpty()) {
      return new Claim.Refused("node " + node + " is not in topogpu's cache");
    }
    NodeEvaluation e = evaluate.apply(state.get());
    if (!e.feasible()) {
      return new Claim.Refused(
          "node " + node + " can no longer take the pod: " + e.rejection().orElseThrow().explain());
    }
    Assignment a = e.assignment().orElseThrow();
    ledger.allocate(pod.key(), a);
    return new Claim.Granted(a);
  }

  /** Rolls back a {@link Claim.Granted} whose bind failed; a no-op if the pod holds something else. */
  public synchronized void release(String podKey, Assignment granted) {
    if (ledger.holding(podKey).filter(granted::equals).isPresent()) {
      ledger.release(podKey);
    }
  }

  /** Records a successful bind in the pod cache, ahead of the informer's echo. */
  public synchronized void recordBound(PodInfo pod, String node, Optional<Assignment> a) {
    PodInfo bound = pod.boundTo(node);
    pods.put(pod.key(), a.map(bound::withAssignment).orElse(bound));
    if (awaitingEcho.size() < MAX_AWAITED_ECHOES) {
      awaitingEcho.put(pod.key(), System.nanoTime());
    }
  }

  private void account(PodInfo pod) {
    String node = pod.nodeName().orElseThrow();
    Optional<NodeState> state = ledger.node(node);
    if (state.isEmpty()) {
      return;
    }
    Optional<Assignment> annotated = pod.held();
    if (annotated.isPresent()) {
      try {
        ledger.allocate(pod.key(), annotated.get());
        return;
      } catch (AllocationConflict e) {
        log.warn("pod {}: its annotated devices ignored: {}", pod.key(), e.getMessage());
      }
    }
    Optional<Assignment> attributed = attributor.attribute(pod, ledger.node(node).orElseThrow());
    if (attributed.isPresent()) {
      ledger.allocate(pod.key(), attributed.get());
    } else {
      log.warn("pod {} on {} holds GPUs the node has no room left for", pod.key(), node);
    }
  }

  private void trackMismatch(PodInfo pod) {
    if (pod.holdsGpus() && pod.allocationMismatch()) {
      if (mismatched.add(pod.key())) {
        log.warn("pod {}: the kubelet allocated {} but topogpu chose {}; the ledger counts the former",
            pod.key(), pod.allocated().orElseThrow(), pod.assignment().orElseThrow());
      }
    } else {
      mismatched.remove(pod.key());
    }
  }
}
