package io.topogpu.scheduler.ledger;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.scheduler.model.Shape;
import io.topogpu.topology.Keys;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Immutable snapshot of one node and everything held on it: pods' assignments and reservations
 * (keyed by owner, for gangs). Request handlers read it concurrently; the {@link Ledger} replaces it
 * on every change.
 *
 * <p>Capacity accounting in milli-GPU: every GPU has 1000; a whole-GPU assignment uses all 1000 of
 * each of its GPUs, a share uses its {@code milli} of one GPU. A GPU is <em>free</em> for whole-GPU
 * placement when it is healthy, not in MIG mode and uses 0. MIG instances exist only on MIG-mode
 * GPUs and are held by at most one holder each.
 *
 * <p>Invariant (checked by {@link #with}): no GPU is used beyond 1000 milli, no MIG instance is held
 * twice, and every held GPU index and MIG instance exists in the topology. On a node whose topology
 * is unknown holdings are kept unchecked, so they can be checked once the topology arrives.
 *
 * <p>Readers may attach facts they derive from a state to it ({@link #derived}): the state never
 * changes, so such a fact stays true for the state's lifetime and is dropped with it when the ledger
 * replaces the state.
 */
public final class NodeState {
  /** Capacity of one GPU in milli-GPU. */
  public static final int MILLI_PER_GPU = 1000;

  private final ClusterNode node;
  private final Map<String, Assignment> pods;
  private final Map<String, List<Assignment>> reservations;
  private final Shape shape;
  /** Per GPU index: milli-GPU used by whole-GPU and share holdings. */
  private final int[] milliUsed;
  /** Holder of each held MIG instance, keyed by {@link #migKey}. */
  private final Map<Integer, String> migHolder;
  /** Healthy GPUs not in MIG mode; a function of the topology alone. */
  private final long placeableMask;
  /** Most values {@link #derived} keeps per state; when full it forgets them all and starts over. */
  public static final int MAX_DERIVED = 16;
  private static final Object[] NOTHING_DERIVED = {};
  /** Readers' derived values as key, value, key, value...; never changed, only replaced. */
  private volatile Object[] derived = NOTHING_DERIVED;

  /** Accounts every holding from scratch (new topology, or a holder removed). */
  private NodeState(ClusterNode node, Map<String, Assignment> pods,
      Map<String, List<Assignment>> reservations, Shape shape) {
    this.node = node;
    this.pods = pods;
    this.reservations = reservations;
    this.shape = shape;
    this.milliUsed = new int[node.topology().map(NodeTopology::gpuCount).orElse(0)];
    this.migHolder = new HashMap<>();
    this.placeableMask = placeable(node.topology().orElse(null));
    if (node.topologyKnown()) {
      pods.forEach(this::account);
      reservations.forEach((owner, list) -> list.forEach(a -> account(reservationHolder(owner), a)));
    }
  }

  /**
   * {@code base} plus {@code newest} held by {@code newHolder}: copies base's usage and accounts
   * only the new holding (base's holdings were checked when base was built), so a conflict names
   * the new holder, never an older one.
   */
  private NodeState(NodeState base, Map<String, Assignment> pods,
      Map<String, List<Assignment>> reservations, String newHolder, Assignment newest) {
    this.node = base.node;
    this.pods = pods;
    this.reservations = reservations;
    this.shape = base.shape;
    this.milliUsed = base.milliUsed.clone();
    this.migHolder = new HashMap<>(base.migHolder);
    this.placeableMask = base.placeableMask;
    if (node.topologyKnown()) {
      account(newHolder, newest);
    }
  }

  /** Identity of a MIG instance on this node: GPU index and first memory slice (slices < 2^16). */
  private static int migKey(int gpu, int start) {
    return gpu << 16 | start;
  }

  private static long placeable(NodeTopology t) {
    long mask = 0;
    for (int g = 0; t != null && g < t.gpuCount(); g++) {
      Gpu gpu = t.gpu(g);
      if (gpu.healthy() && !gpu.mig().enabled()) {
        mask |= 1L << g;
      }
    }
    return mask;
  }

  /**
   * How many GPUs may be in use at once: the healthy non-MIG GPUs of the topology, capped by the
   * kubelet's {@code nvidia.com/gpu} allocatable when the node advertises it (the device plugin
   * leaves out GPUs it found unhealthy, or is not running: 0). Which GPUs the cap leaves out is not
   * known, so it limits the count, not the choice.
   */
  public int advertisedGpus() {
    int placeable = Long.bitCount(placeableMask);
    Long advertised = node.allocatable().get(Keys.RESOURCE_GPU);
    return advertised == null ? placeable : (int) Math.max(0, Math.min(placeable, advertised));
  }

  /**
   * Advertised GPUs not in use: {@link #advertisedGpus()} less the placeable GPUs that hold
   * anything (a whole-GPU pod or a share). A placement that starts using more GPUs than this does
   * not fit.
   */
  public int advertisedRoom() {
    int inUse = 0;
    for (int g = 0; g < milliUsed.length; g++) {
      if ((placeableMask & (1L << g)) != 0 && milliUsed[g] > 0) {
        inUse++;
      }
    }
    return Math.max(0, advertisedGpus() - inUse);
  }

  /** A node with nothing held. */
  public static NodeState empty(ClusterNode node) {
    return new NodeState(node, Map.of(), Map.of(), node.topology().map(Shape::of).orElse(null));
  }

  /** The holder id a reservation of {@code owner} appears under in conflict messages. */
  public static String reservationHolder(String owner) {
    return "reservation " + owner;
  }

  private void account(String holder, Assignment a) {
    NodeTopology t = node.topology().orElseThrow();
    int share = a.isShare() ? a.milli() : MILLI_PER_GPU;
    for (int g : a.gpus()) {
      if (g >= t.gpuCount()) {
        throw new AllocationConflict(holder + " holds GPU " + g + " but node " + node.name()
            + " has " + t.gpuCount() + " GPUs");
      }
      if (t.gpu(g).mig().enabled()) {
        throw new AllocationConflict(holder + " holds GPU " + g + " of node " + node.name()
            + " whole or shared, but it is in MIG mode");
      }
      if (milliUsed[g] + share > MILLI_PER_GPU) {
        throw new AllocationConflict(holder + " needs " + share + " milli of GPU " + g + " on node "
            + node.name() + " but only " + (MILLI_PER_GPU - milliUsed[g]) + " are free");
      }
      milliUsed[g] += share;
    }
    for (MigSlot s : a.mig()) {
      if (instanceAt(t, s).isEmpty()) {
        throw new AllocationConflict(holder + " holds MIG " + s.profile() + " at GPU " + s.gpu() + " slice "
            + s.start() + " but node " + node.name() + " has no such instance");
      }
      String previous = migHolder.putIfAbsent(migKey(s.gpu(), s.start()), holder);
      if (previous != null) {
        throw new AllocationConflict(holder + " holds MIG instance " + s.id() + " on node " + node.name()
            + " already held by " + previous);
      }
    }
  }

  private static Optional<MigInstance> instanceAt(NodeTopology t, MigSlot s) {
    if (s.gpu() >= t.gpuCount()) {
      return Optional.empty();
    }
    return t.gpu(s.gpu()).mig().instances().stream()
        .filter(m -> m.start() == s.start() && m.size() == s.size() && m.profile().equals(s.profile()))
        .findFirst();
  }

  /** This state plus {@code a} held by pod {@code holder}; throws {@link AllocationConflict}. */
  public NodeState with(String holder, Assignment a) {
    if (pods.containsKey(holder)) {
      throw new AllocationConflict(holder + " already holds GPUs on node " + node.name());
    }
    Map<String, Assignment> next = new LinkedHashMap<>(pods);
    next.put(holder, a);
    return new NodeState(this, next, reservations, holder, a);
  }

  /** This state without what pod {@code holder} holds (unchanged when it holds nothing). */
  public NodeState without(String holder) {
    if (!pods.containsKey(holder)) {
      return this;
    }
    Map<String, Assignment> next = new LinkedHashMap<>(pods);
    next.remove(holder);
    return new NodeState(node, next, reservations, shape);
  }

  /** This state plus a reservation by {@code owner}; several per owner are allowed. */
  public NodeState withReservation(String owner, Assignment a) {
    Map<String, List<Assignment>> next = new LinkedHashMap<>(reservations);
    List<Assignment> list = new ArrayList<>(next.getOrDefault(owner, List.of()));
    list.add(a);
    next.put(owner, List.copyOf(list));
    return new NodeState(this, pods, next, reservationHolder(owner), a);
  }

  /**
   * This state without {@code owner}'s reservations: what a member of that gang may use. Gang
   * planning evaluates its own members against this view.
   */
  public NodeState withoutReservation(String owner) {
    if (!reservations.containsKey(owner)) {
      return this;
    }
    Map<String, List<Assignment>> next = new LinkedHashMap<>(reservations);
    next.remove(owner);
    return new NodeState(node, pods, next, shape);
  }

  /** The same holdings on an updated node object; throws if they no longer fit its topology. */
  public NodeState onNode(ClusterNode updated) {
    return new NodeState(updated, pods, reservations, updated.topology().map(Shape::of).orElse(null));
  }

  /**
   * The value {@code compute} gives for {@code key} on this state, computed once and kept with the
   * state. For what a reader derives from this state alone plus what {@code key} stands for (a
   * placement verdict for one kind of request): the key must stand for every other input, and the
   * value must be immutable and not null. Keys are compared by identity, so a reader passes one
   * canonical key object per meaning (equal keys that are different objects only cost a
   * recomputation).
   *
   * <p>At most {@value #MAX_DERIVED} values are kept: when that many are, the next new one
   * replaces them all (keys that go stale, such as older workload versions, cannot pile up).
   * Thread-safe without locks: the memo is an immutable array replaced whole, so readers scan a
   * consistent copy; two writers racing may drop one of their values, which is then computed again
   * when next asked. {@code compute} may itself call {@code derived} on this state.
   */
  @SuppressWarnings("unchecked")
  public <V> V derived(Object key, Supplier<? extends V> compute) {
    V known = derivedIfKnown(key);
    if (known != null) {
      return known;
    }
    V value = compute.get();
    Object[] memo = derived;
    Object[] next = memo.length >= 2 * MAX_DERIVED ? new Object[2] : Arrays.copyOf(memo, memo.length + 2);
    next[next.length - 2] = key;
    next[next.length - 1] = value;
    derived = next;
    return value;
  }

  /**
   * The value {@link #derived} holds for {@code key} (by identity), or {@code null}: the lookup
   * alone, for hot loops that would otherwise allocate a {@code compute} closure per call.
   */
  @SuppressWarnings("unchecked")
  public <V> V derivedIfKnown(Object key) {
    Object[] memo = derived;
    for (int i = 0; i < memo.length; i += 2) {
      if (memo[i] == key) {
        return (V) memo[i + 1];
      }
    }
    return null;
  }

  /** Whether {@link #derived} holds a value for {@code key} (by identity); for tests. */
  public boolean hasDerived(Object key) {
    return derivedIfKnown(key) != null;
  }

  public ClusterNode node() {
    return node;
  }

  public String name() {
    return node.name();
  }

  public Optional<NodeTopology> topology() {
    return node.topology();
  }

  /** Topology fingerprint for memoisation; null when the topology is unknown. */
  public Shape shape() {
    return shape;
  }

  /** Pods' holdings by pod key, in insertion order. */
  public Map<String, Assignment> pods() {
    return pods;
  }

  public Map<String, List<Assignment>> reservations() {
    return reservations;
  }

  public int gpuCount() {
    return milliUsed.length;
  }

  public int milliUsed(int gpu) {
    return milliUsed[gpu];
  }

  /** Healthy GPUs not in MIG mode: those whole-GPU and share requests may use. */
  public long placeableMask() {
    return placeableMask;
  }

  /**
   * Unhealthy GPUs not in MIG mode: what {@link #placeableMask} would add were they healthy. Never
   * placed on; holdings already on them stay (the pods run there until they leave).
   */
  public long unhealthyWholeMask() {
    long mask = 0;
    NodeTopology t = node.topology().orElse(null);
    for (int g = 0; t != null && g < t.gpuCount(); g++) {
      if (!t.gpu(g).healthy() && !t.gpu(g).mig().enabled()) {
        mask |= 1L << g;
      }
    }
    return mask;
  }

  /** GPUs the topology marks unhealthy, MIG or not. */
  public int unhealthyCount() {
    return (int) node.topology().map(NodeTopology::gpus).orElse(List.of()).stream().filter(g -> !g.healthy()).count();
  }

  /** Instances of {@code profile} on unhealthy GPUs: those {@link #migInstances} leaves out. */
  public int unhealthyMigInstances(String profile) {
    int n = 0;
    for (Gpu gpu : node.topology().map(NodeTopology::gpus).orElse(List.of())) {
      if (!gpu.healthy()) {
        n += (int) gpu.mig().instances().stream().filter(m -> m.profile().equals(profile)).count();
      }
    }
    return n;
  }

  /** Placeable GPUs nobody uses any part of: candidates for whole-GPU requests. */
  public long freeMask() {
    long mask = placeableMask();
    for (int g = 0; g < milliUsed.length; g++) {
      if (milliUsed[g] > 0) {
        mask &= ~(1L << g);
      }
    }
    return mask;
  }

  /** Instances of {@code profile} on healthy GPUs, free or not, ordered by GPU then start. */
  public List<MigSlot> migInstances(String profile) {
    List<MigSlot> out = new ArrayList<>();
    NodeTopology t = node.topology().orElse(null);
    for (int g = 0; g < milliUsed.length; g++) {
      Gpu gpu = t.gpu(g);
      if (!gpu.healthy()) {
        continue;
      }
      for (MigInstance m : gpu.mig().instances()) {
        if (m.profile().equals(profile)) {
          out.add(new MigSlot(g, m.profile(), m.start(), m.size(), m.uuid()));
        }
      }
    }
    return out;
  }

  public boolean migHeld(MigSlot slot) {
    return migHolder.containsKey(migKey(slot.gpu(), slot.start()));
  }

  /** Memory slices of GPU {@code gpu} held by MIG instances. */
  public int migSlicesHeld(int gpu) {
    int held = 0;
    for (MigInstance m : node.topology().orElseThrow().gpu(gpu).mig().instances()) {
      if (migHolder.containsKey(migKey(gpu, m.start()))) {
        held += m.size();
      }
    }
    return held;
  }

  /**
   * Used capacity over total capacity in milli-GPU, over GPUs that are healthy: a whole or shared
   * GPU counts its used milli; a MIG GPU counts 1000 × held slices / slices.
   */
  public long usedMilli() {
    long used = 0;
    NodeTopology t = node.topology().orElse(null);
    for (int g = 0; g < milliUsed.length; g++) {
      if (!t.gpu(g).healthy()) {
        continue;
      }
      used += t.gpu(g).mig().enabled() ? migMilli(t.gpu(g), migSlicesHeld(g)) : milliUsed[g];
    }
    return used;
  }

  public long capacityMilli() {
    long cap = 0;
    for (Gpu g : node.topology().map(NodeTopology::gpus).orElse(List.of())) {
      if (g.healthy()) {
        cap += MILLI_PER_GPU;
      }
    }
    return cap;
  }

  private static long migMilli(Gpu gpu, int slices) {
    int total = gpu.mig().slices() > 0 ? gpu.mig().slices() : 8;
    return (long) MILLI_PER_GPU * slices / total;
  }

  /** Holders per GPU index (pods and reservations), for diagnostics and tests. */
  public Map<Integer, List<String>> holdersByGpu() {
    Map<Integer, List<String>> out = new TreeMap<>();
    pods.forEach((h, a) -> a.gpus().forEach(g -> out.computeIfAbsent(g, k -> new ArrayList<>()).add(h)));
    reservations.forEach((o, list) -> list.forEach(a -> a.gpus().forEach(
        g -> out.computeIfAbsent(g, k -> new ArrayList<>()).add(reservationHolder(o)))));
    return out;
  }
}
