package io.topogpu.benchmarks.fgd;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.GpuSparing;
import io.topogpu.scheduler.placement.NodeEvaluation;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * topogpu's own placement, driven through the scheduler's {@link Placer}: the code the extender runs,
 * not a copy. The simulated cluster is what kube-scheduler plus the extender would see:
 * <ul>
 *   <li><b>Pre-filter (kube-scheduler's in-tree filters):</b> CPU, memory and the pod's GPU model
 *       ({@code gpu_spec}, a node affinity in a real cluster) are checked here, before the extender,
 *       exactly as {@link SimNode#feasible} does for them.
 *   <li><b>Extender:</b> GPU pods become {@link PodInfo}s asking {@code topogpu.io/gpu-milli: m}
 *       (a share, count 1 and m &lt; 1000) or {@code nvidia.com/gpu: k} (whole GPUs); every node gets a
 *       {@link NodeState} on the PCIe topology of {@link OpenbTopologies}, kept per node and advanced
 *       with {@link NodeState#with} after each commit. The node and GPUs are {@link Placer#evaluate}'s
 *       and {@link io.topogpu.scheduler.placement.Decision}'s best, i.e. {@link Placer#rank} over the
 *       pre-filtered nodes. Evaluations are memoised per node and request until the node changes or
 *       the learned workload republishes (evaluate is a pure function of those). Every GPU pod is
 *       reported to {@link Placer#workload()} on arrival, as an extender would at its filter call.
 *   <li><b>CPU-only pods</b> ask for nothing the placer places. With the extender configured to see
 *       every pod, it scores them by {@link GpuSparing} (nodes whose GPUs are used up first), which
 *       dominates kube-scheduler's own scores at the extender's weight; ties then go by
 *       kube-scheduler's default scoring ({@link KubeDefaultScore}), then smallest rank. With
 *       {@code cpuPodsSeen = false} (an extender whose managedResources exclude CPU-only pods) only the
 *       kube-scheduler scores decide.
 * </ul>
 * Node names sort by rank, so the placer's last tie-break (node name) is the protocol's smallest rank.
 */
final class TopogpuPolicy implements Policy {
  private static final String NAMESPACE = "fgd";

  private final Placer placer;
  private final boolean cpuPodsSeen;
  private final Map<Integer, NodeTopology> topologies = new HashMap<>();
  private NodeState[] states;
  private List<Map<GpuRequest, NodeEvaluation>> memo;
  private long memoVersion = -1;
  private Assignment pending;

  TopogpuPolicy(io.topogpu.scheduler.placement.Policy policy, boolean cpuPodsSeen) {
    this.placer = new Placer(policy);
    this.cpuPodsSeen = cpuPodsSeen;
  }

  /** The scheduler policy of {@code preset} with no overrides and the default GPU-set memo. */
  static io.topogpu.scheduler.placement.Policy preset(String preset) {
    return io.topogpu.scheduler.placement.Policy.of(preset, Map.of(),
        io.topogpu.scheduler.placement.Policy.DEFAULT_CACHE_ENTRIES);
  }

  @Override
  public Decision decide(PodRequest pod, List<SimNode> nodesByRank) {
    if (states == null) {
      init(nodesByRank);
    }
    if (pod.cpuOnly()) {
      return cpuOnly(pod, nodesByRank);
    }
    GpuRequest request = pod.sharing() ? new GpuRequest.GpuShare(pod.gpuMilli())
        : new GpuRequest.WholeGpus(pod.gpuCount());
    placer.workload().observe(request);
    long version = placer.workload().snapshot().version();
    if (version != memoVersion) {
      memo.forEach(Map::clear);
      memoVersion = version;
    }
    PodInfo info = podInfo(pod, request);
    List<NodeEvaluation> feasible = new ArrayList<>();
    List<NodeEvaluation> rejected = new ArrayList<>();
    for (SimNode node : nodesByRank) {
      if (!preFilter(pod, node)) {
        continue;
      }
      int rank = node.rank();
      NodeEvaluation e = memo.get(rank).computeIfAbsent(request, r -> placer.evaluate(info, states[rank]));
      (e.feasible() ? feasible : rejected).add(e);
    }
    var decision = new io.topogpu.scheduler.placement.Decision(info.key(), feasible, rejected);
    Optional<NodeEvaluation> best = decision.best();
    if (best.isEmpty()) {
      return new Decision.Rejected(decision.summary());
    }
    pending = best.get().assignment().orElseThrow();
    return new Decision.Placed(rankOf(pending.node()), pending.gpus().stream().mapToInt(Integer::intValue).toArray());
  }

  @Override
  public void placed(PodRequest pod, SimNode node, int[] gpus) {
    if (pod.cpuOnly()) {
      return; // CPU is not the extender's: its node states and evaluations do not change
    }
    states[node.rank()] = states[node.rank()].with(NAMESPACE + "/" + pod.name(), pending);
    memo.get(node.rank()).clear();
  }

  /** Highest (GPU sparing if seen, kube-scheduler score), first in rank order on ties. */
  private Decision cpuOnly(PodRequest pod, List<SimNode> nodesByRank) {
    SimNode best = null;
    double bestSparing = -1;
    long bestKube = -1;
    for (SimNode node : nodesByRank) {
      if (pod.cpuMilli() > node.cpuLeft() || pod.memoryMib() > node.memLeft()) {
        continue;
      }
      double sparing = cpuPodsSeen ? GpuSparing.score(states[node.rank()]) : 0;
      long kube = KubeDefaultScore.score(pod, node);
      if (sparing > bestSparing || (sparing == bestSparing && kube > bestKube)) {
        best = node;
        bestSparing = sparing;
        bestKube = kube;
      }
    }
    if (best == null) {
      return new Decision.Rejected("no node has cpu=" + pod.cpuMilli() + " mem=" + pod.memoryMib() + " left");
    }
    return new Decision.Placed(best.rank(), new int[0]);
  }

  /** kube-scheduler's in-tree filters: CPU, memory and node affinity on the GPU model. */
  static boolean preFilter(PodRequest pod, SimNode node) {
    return pod.cpuMilli() <= node.cpuLeft() && pod.memoryMib() <= node.memLeft()
        && node.gpuCount() > 0 && pod.allowsModel(node.model());
  }

  private void init(List<SimNode> nodesByRank) {
    states = new NodeState[nodesByRank.size()];
    memo = new ArrayList<>();
    for (SimNode node : nodesByRank) {
      NodeTopology t = topologies.computeIfAbsent(node.gpuCount(), OpenbTopologies::of);
      states[node.rank()] = NodeState.empty(ClusterNode.withTopology(nodeName(node.rank()), Map.of(), Map.of(), t));
      memo.add(new HashMap<>());
    }
  }

  private static PodInfo podInfo(PodRequest pod, GpuRequest request) {
    return new PodInfo(NAMESPACE, pod.name(), "", Map.of(), Map.of(), Optional.of(request), null,
        Optional.empty(), Optional.empty(), "Pending");
  }

  /** {@code rank-00042}: names sort as ranks do. */
  static String nodeName(int rank) {
    return String.format("rank-%05d", rank);
  }

  private static int rankOf(String nodeName) {
    return Integer.parseInt(nodeName.substring(nodeName.indexOf('-') + 1));
  }
}
