package io.topogpu.scheduler.ledger;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Who holds which GPUs, MIG instances and GPU shares, cluster wide. Single writer: every mutation
 * is {@code synchronized} and replaces one node's immutable {@link NodeState}; readers call {@link
 * #node} / {@link #nodes} from any thread without locking and see whole states, never half an
 * update. No GPU is ever held twice: every mutation goes through {@link NodeState#with}, which
 * refuses conflicts.
 */
public final class Ledger {
  private final ConcurrentHashMap<String, NodeState> nodes = new ConcurrentHashMap<>();
  /** Node of each pod holder; touched only under the writer lock. */
  private final Map<String, String> nodeOfPod = new HashMap<>();
  /** The same states by slot, for {@link #lookup}; replaced whole by {@link #rebuild}. */
  private volatile NodeSlots slots = new NodeSlots();
  /** Changes after every node added or removed, and on every rebuild; written under the lock. */
  private volatile long membership;
  /** The latest {@link #lookup} answer, reused while the names and the membership stay the same. */
  private volatile NodeLookup lastLookup;

  /**
   * Adds a node or updates its object, keeping its holdings. Holdings that no longer fit the new
   * topology (a GPU vanished, MIG was reconfigured) are dropped, in insertion order, and returned
   * as notes; reservations that no longer fit are dropped likewise.
   */
  public synchronized List<LedgerNote> putNode(ClusterNode node) {
    NodeState old = nodes.get(node.name());
    if (old == null) {
      put(node.name(), NodeState.empty(node));
      return List.of();
    }
    try {
      put(node.name(), old.onNode(node));
      return List.of();
    } catch (AllocationConflict e) {
      return refit(old, node);
    }
  }

  private List<LedgerNote> refit(NodeState old, ClusterNode node) {
    List<LedgerNote> notes = new ArrayList<>();
    NodeState s = NodeState.empty(node);
    for (var held : old.pods().entrySet()) {
      try {
        s = s.with(held.getKey(), held.getValue());
      } catch (AllocationConflict e) {
        nodeOfPod.remove(held.getKey());
        notes.add(new LedgerNote(held.getKey(), node.name(), "dropped after a topology change: " + e.getMessage()));
      }
    }
    for (var owner : old.reservations().entrySet()) {
      for (Assignment a : owner.getValue()) {
        try {
          s = s.withReservation(owner.getKey(), a);
        } catch (AllocationConflict e) {
          notes.add(new LedgerNote(NodeState.reservationHolder(owner.getKey()), node.name(),
              "dropped after a topology change: " + e.getMessage()));
        }
      }
    }
    put(node.name(), s);
    return notes;
  }

  /** Forgets a node and everything held on it. */
  public synchronized void removeNode(String name) {
    NodeState old = nodes.remove(name);
    if (slots.remove(name)) {
      membership++;
    }
    if (old != null) {
      old.pods().keySet().forEach(nodeOfPod::remove);
    }
  }

  /** Records that pod {@code holder} holds {@code a}; throws {@link AllocationConflict} if taken. */
  public synchronized void allocate(String holder, Assignment a) {
    if (nodeOfPod.containsKey(holder)) {
      throw new AllocationConflict(holder + " already holds GPUs on node " + nodeOfPod.get(holder));
    }
    put(a.node(), state(a.node()).with(holder, a));
    nodeOfPod.put(holder, a.node());
  }

  /** Releases what pod {@code holder} holds; returns it, or empty when it held nothing. */
  public synchronized Optional<Assignment> release(String holder) {
    String node = nodeOfPod.remove(holder);
    if (node == null) {
      return Optional.empty();
    }
    NodeState s = nodes.get(node);
    Assignment a = s.pods().get(holder);
    put(node, s.without(holder));
    return Optional.of(a);
  }

  /** Holds {@code a} for gang {@code owner} until {@link #releaseReservations}. */
  public synchronized void reserve(String owner, Assignment a) {
    NodeState s = state(a.node()).withReservation(owner, a);
    put(a.node(), s);
  }

  /**
   * Turns gang reservation {@code owner} into pod {@code holder}'s allocation of {@code a} in one
   * step, so no other writer ever sees that capacity free in between. {@code a} is checked against
   * the node without {@code owner}'s reservations; on {@link AllocationConflict} nothing changes.
   */
  public synchronized void convertReservation(String owner, String holder, Assignment a) {
    if (nodeOfPod.containsKey(holder)) {
      throw new AllocationConflict(holder + " already holds GPUs on node " + nodeOfPod.get(holder));
    }
    NodeState next = state(a.node()).withoutReservation(owner).with(holder, a);
    releaseReservations(owner);
    put(a.node(), next);
    nodeOfPod.put(holder, a.node());
  }

  /** Drops every reservation of {@code owner} on every node. */
  public synchronized void releaseReservations(String owner) {
    for (var e : nodes.entrySet()) {
      NodeState next = e.getValue().withoutReservation(owner);
      if (next != e.getValue()) { // untouched nodes keep their state and its memoised verdicts
        put(e.getKey(), next);
      }
    }
  }

  /** The one way a state enters the ledger: the map and the node's slot, under the lock. */
  private void put(String name, NodeState s) {
    nodes.put(name, s);
    if (slots.put(name, s)) {
      membership++;
    }
  }

  private NodeState state(String node) {
    NodeState s = nodes.get(node);
    if (s == null) {
      throw new AllocationConflict("node " + node + " is not in the ledger");
    }
    return s;
  }

  public Optional<NodeState> node(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  /**
   * The states of {@code names} by position, as {@link #node} would give them one by one (each
   * state read when asked for, {@code null} for a name the ledger does not know). kube-scheduler
   * sends the same names in the same order on every filter call, so the names are resolved to
   * slots once and later calls only check that they are the same names and that no node was
   * added or removed since ({@link #membership}); any other list is resolved afresh. Lock-free and
   * safe under concurrent callers: answers are immutable, the latest one is shared.
   */
  public NodeLookup lookup(List<String> names) {
    long m = membership;
    NodeLookup last = lastLookup;
    if (last != null && last.membership() == m && last.sameNames(names)) {
      return last;
    }
    NodeLookup fresh = NodeLookup.resolve(names, m, slots);
    lastLookup = fresh;
    return fresh;
  }

  /** How many nodes the ledger knows now. */
  public int nodeCount() {
    return nodes.size();
  }

  /** A consistent state per node; nodes may change between two calls. */
  public Collection<NodeState> nodes() {
    return List.copyOf(nodes.values());
  }

  /** What {@code holder} holds now, if anything. */
  public synchronized Optional<Assignment> holding(String holder) {
    String node = nodeOfPod.get(holder);
    return node == null ? Optional.empty() : Optional.ofNullable(nodes.get(node).pods().get(holder));
  }

  /**
   * Replaces the whole state from a list of nodes and pods, as after a restart.
   *
   * <ol>
   *   <li>Pods that hold GPUs ({@link PodInfo#holdsGpus()}) with a {@code topogpu.io/allocated}
   *       or {@code topogpu.io/gpus} annotation for their node are allocated as annotated, the
   *       kubelet's actual allocation winning over the choice ({@link PodInfo#held()}), in
   *       namespace/name order.
   *   <li>The others ("unattributed": bound by another scheduler, or an annotation that conflicts
   *       with one read earlier) are then given devices by {@code attributor}, in the same order,
   *       each against the state that includes every pod before it. If nothing fits, the pod is
   *       noted and holds nothing.
   * </ol>
   *
   * @return what had to be decided rather than read, for logs and the what-if output
   */
  public synchronized List<LedgerNote> rebuild(
      Collection<ClusterNode> clusterNodes, Collection<PodInfo> pods, Attributor attributor) {
    nodes.clear();
    nodeOfPod.clear();
    slots = new NodeSlots();
    membership++;
    clusterNodes.forEach(n -> put(n.name(), NodeState.empty(n)));
    List<PodInfo> holders = pods.stream()
        .filter(PodInfo::holdsGpus)
        .sorted(Comparator.comparing(PodInfo::key))
        .toList();
    List<LedgerNote> notes = new ArrayList<>();
    List<PodInfo> unattributed = new ArrayList<>();
    for (PodInfo p : holders) {
      String node = p.nodeName().orElseThrow();
      if (!nodes.containsKey(node)) {
        notes.add(new LedgerNote(p.key(), node, "bound to a node the ledger does not know; ignored"));
        continue;
      }
      Optional<Assignment> a = p.held();
      if (a.isEmpty()) {
        unattributed.add(p);
        continue;
      }
      try {
        allocate(p.key(), a.get());
      } catch (AllocationConflict e) {
        notes.add(new LedgerNote(p.key(), node, "annotation ignored: " + e.getMessage()));
        unattributed.add(p);
      }
    }
    for (PodInfo p : unattributed) {
      String node = p.nodeName().orElseThrow();
      Optional<Assignment> a = attributor.attribute(p, nodes.get(node));
      if (a.isPresent()) {
        allocate(p.key(), a.get());
        notes.add(new LedgerNote(p.key(), node, "no topogpu.io/gpus annotation; counted as holding "
            + describe(a.get())));
      } else {
        notes.add(new LedgerNote(p.key(), node, "holds GPUs the node has no room left for; counted as nothing"));
      }
    }
    return notes;
  }

  private static String describe(Assignment a) {
    if (!a.mig().isEmpty()) {
      return "MIG " + a.mig().stream().map(s -> s.profile() + "@GPU" + s.gpu() + ":" + s.start()).toList();
    }
    return (a.isShare() ? a.milli() + " milli of GPU " : "GPUs ") + a.gpus();
  }
}
