package io.topogpu.benchmarks.load;

import io.topogpu.scheduler.ledger.GpusAnnotation;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.NodeEvaluation;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.topology.Keys;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A cluster of {@code nodes} real node shapes mixed as {@link NodeKind#MIX}, with network tier
 * labels and about {@code occupancy} of its GPU capacity held by running pods that carry valid
 * {@code topogpu.io/gpus} annotations. Deterministic for a seed.
 *
 * <p>Occupancy pods are placed through the real allocation path: {@link Placer#evaluate} on a
 * random node, then {@link Ledger#allocate}, so holdings are exactly what topogpu would have
 * chosen and never conflict. Each attempt asks for 1, 2, 4 or 8 whole GPUs (40/25/20/15 %),
 * capped at what the node has free; on a MIG node half the attempts ask for one MIG instance of a
 * random profile. Filling stops once held capacity (milli-GPU, {@link NodeState#usedMilli()})
 * reaches the target; the last pod overshoots by at most 8 GPUs.
 *
 * <p>Labels: {@code fabric.topograph.run/tier-0} (32 nodes per leaf switch), {@code tier-1} (512
 * per spine), {@code topology.kubernetes.io/zone} (4,096 per zone).
 *
 * <p>{@code backgroundPods} adds running pods that request no GPU (daemon sets, CPU jobs), bound
 * round-robin, for memory and start-up measurements at a realistic pod count.
 */
public final class SyntheticCluster {
  private static final int[] WHOLE_SIZES = {1, 2, 4, 8};
  private static final int[] WHOLE_WEIGHTS = {40, 25, 20, 15};
  private static final int NODES_PER_LEAF = 32;
  private static final int NODES_PER_SPINE = 512;
  private static final int NODES_PER_ZONE = 4096;

  private final List<ClusterNode> nodes;
  private final List<PodInfo> pods;
  private final long usedMilli;
  private final long capacityMilli;

  private SyntheticCluster(List<ClusterNode> nodes, List<PodInfo> pods, long usedMilli, long capacityMilli) {
    this.nodes = List.copyOf(nodes);
    this.pods = List.copyOf(pods);
    this.usedMilli = usedMilli;
    this.capacityMilli = capacityMilli;
  }

  /**
   * @param occupancy target fraction of GPU capacity held, 0..1
   * @throws IllegalArgumentException naming the parameter when out of range
   */
  public static SyntheticCluster generate(int nodeCount, double occupancy, int backgroundPods, long seed) {
    if (nodeCount < 1) {
      throw new IllegalArgumentException("nodes: must be at least 1, got " + nodeCount);
    }
    if (!(occupancy >= 0 && occupancy <= 1)) {
      throw new IllegalArgumentException("occupancy: must be within 0..1, got " + occupancy);
    }
    if (backgroundPods < 0) {
      throw new IllegalArgumentException("backgroundPods: must be >= 0, got " + backgroundPods);
    }
    Random rnd = new Random(seed);
    Map<String, NodeTopology> shapes = new HashMap<>();
    List<ClusterNode> nodes = new ArrayList<>(nodeCount);
    List<NodeKind> kinds = new ArrayList<>(nodeCount);
    Ledger ledger = new Ledger();
    long capacity = 0;
    for (int i = 0; i < nodeCount; i++) {
      NodeKind kind = pickKind(rnd);
      String name = nodeName(i);
      NodeTopology base = shapes.computeIfAbsent(kind.shape(), Shapes::load);
      ClusterNode node = ClusterNode.withTopology(name, labels(i), Map.of(), kind.topology(base, name));
      nodes.add(node);
      kinds.add(kind);
      ledger.putNode(node);
      capacity += ledger.node(name).orElseThrow().capacityMilli();
    }
    Placer placer = new Placer(Policy.defaults());
    List<PodInfo> pods = new ArrayList<>();
    long target = Math.round(occupancy * capacity);
    long used = 0;
    int misses = 0;
    while (used < target && misses < 20 * nodeCount + 1000) {
      int i = rnd.nextInt(nodeCount);
      NodeState before = ledger.node(nodes.get(i).name()).orElseThrow();
      Optional<GpuRequest> request = occupancyRequest(rnd, kinds.get(i), before);
      PodInfo pod = request.map(r -> pod("team-" + pods.size() % 16, "occ-" + pods.size(), r)).orElse(null);
      NodeEvaluation e = pod == null ? null : placer.evaluate(pod, before);
      if (e == null || !e.feasible()) {
        misses++;
        continue;
      }
      Assignment a = e.assignment().orElseThrow();
      ledger.allocate(pod.key(), a);
      used += ledger.node(before.name()).orElseThrow().usedMilli() - before.usedMilli();
      pods.add(bound(pod, a));
    }
    for (int b = 0; b < backgroundPods; b++) {
      pods.add(new PodInfo("kube-system", "bg-" + b, "uid-bg-" + b, Map.of(), Map.of(), Optional.empty(),
          Placement.NONE, Optional.empty(), Optional.of(nodeName(b % nodeCount)), "Running"));
    }
    return new SyntheticCluster(nodes, pods, used, capacity);
  }

  public List<ClusterNode> nodes() {
    return nodes;
  }

  /** Running pods: GPU holders (annotated) first, then background pods. */
  public List<PodInfo> pods() {
    return pods;
  }

  /** Held milli-GPU over capacity, as generated. */
  public double occupancy() {
    return capacityMilli == 0 ? 0 : (double) usedMilli / capacityMilli;
  }

  public long capacityMilli() {
    return capacityMilli;
  }

  /** A fresh ledger holding every pod's annotated devices (what the extender rebuilds at start). */
  public Ledger ledger(Placer attributor) {
    Ledger ledger = new Ledger();
    ledger.rebuild(nodes, pods, attributor::attribute);
    return ledger;
  }

  /** Name of node {@code i}: {@code gpu-00042}. */
  public static String nodeName(int i) {
    return String.format("gpu-%05d", i);
  }

  /** A pending pod asking for {@code request}, as the load driver and the tests submit it. */
  public static PodInfo pod(String namespace, String name, GpuRequest request) {
    return new PodInfo(namespace, name, "uid-" + name, Map.of(), Map.of(), Optional.of(request),
        Placement.NONE, Optional.empty(), Optional.empty(), "Pending");
  }

  private static PodInfo bound(PodInfo pod, Assignment a) {
    Map<String, String> annotations = new LinkedHashMap<>(pod.annotations());
    annotations.put(Keys.GPUS, GpusAnnotation.encode(a));
    return new PodInfo(pod.namespace(), pod.name(), pod.uid(), pod.labels(), annotations, pod.request(),
        pod.placement(), Optional.of(a), Optional.of(a.node()), "Running");
  }

  private static NodeKind pickKind(Random rnd) {
    int x = rnd.nextInt(100);
    for (NodeKind k : NodeKind.MIX) {
      x -= k.weightPercent();
      if (x < 0) {
        return k;
      }
    }
    throw new IllegalStateException("NodeKind.MIX weights must sum to 100");
  }

  private static Optional<GpuRequest> occupancyRequest(Random rnd, NodeKind kind, NodeState node) {
    if (kind.migGpus() > 0 && rnd.nextBoolean()) {
      String profile = NodeKind.MIG_PROFILES.get(rnd.nextInt(NodeKind.MIG_PROFILES.size()));
      return Optional.of(new GpuRequest.MigInstances(profile, 1));
    }
    int free = Long.bitCount(node.freeMask());
    if (free == 0) {
      return Optional.empty();
    }
    int x = rnd.nextInt(100);
    int k = WHOLE_SIZES[WHOLE_SIZES.length - 1];
    for (int s = 0; s < WHOLE_SIZES.length; s++) {
      x -= WHOLE_WEIGHTS[s];
      if (x < 0) {
        k = WHOLE_SIZES[s];
        break;
      }
    }
    return Optional.of(new GpuRequest.WholeGpus(Math.min(k, free)));
  }

  private static Map<String, String> labels(int i) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Keys.LABEL_TOPOGRAPH_TIER_PREFIX + 0, "leaf-" + i / NODES_PER_LEAF);
    labels.put(Keys.LABEL_TOPOGRAPH_TIER_PREFIX + 1, "spine-" + i / NODES_PER_SPINE);
    labels.put(Keys.LABEL_ZONE, "zone-" + i / NODES_PER_ZONE);
    return labels;
  }
}
