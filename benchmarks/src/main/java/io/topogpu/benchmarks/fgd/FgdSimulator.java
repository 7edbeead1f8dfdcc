package io.topogpu.benchmarks.fgd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Discrete-event replay of the FGD protocol for one (workload, policy, seed) (fgd-protocol.md §1): pods
 * arrive one at a time in {@link ArrivalSequence} order, each is placed or dropped at once, nothing departs,
 * and a sample (arrived, allocated, fragmentation) is taken after every pod.
 *
 * <p>Randomness: {@code SplittableRandom(seed)} split, in this order, into the shuffle, tuning, node-rank
 * and policy streams, so every policy sees the same arrivals and ranks for a seed.
 */
public final class FgdSimulator {
  /** {@code podPopularityThreshold} of the authors' configuration. */
  public static final double POPULARITY_PERCENT = 95;

  private final List<GpuNodeSpec> nodes;
  private final double tune;

  public FgdSimulator(List<GpuNodeSpec> nodes, double tune) {
    this.nodes = nodes.stream().sorted(Comparator.comparing(GpuNodeSpec::sn)).toList();
    this.tune = tune;
  }

  public RunResult run(String workload, List<PodRequest> trace, String policyName, long seed,
      boolean keepPlacements) {
    FgdPolicies.Entry entry = FgdPolicies.require(policyName);
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom shuffle = root.split();
    SplittableRandom tuning = root.split();
    SplittableRandom ranking = root.split();
    SplittableRandom policyRandom = root.split();

    int totalGpus = nodes.stream().mapToInt(GpuNodeSpec::gpus).sum();
    long capacity = (long) totalGpus * PodRequest.MILLI;
    List<PodRequest> arrivals = ArrivalSequence.build(trace, capacity, tune, shuffle, tuning);
    List<String> models = nodes.stream().map(GpuNodeSpec::model).distinct().sorted().toList();
    FragmentationModel fragmentation =
        new FragmentationModel(TypicalPods.of(trace, POPULARITY_PERCENT), models);
    List<SimNode> byRank = rankedNodes(models, ArrivalSequence.ranks(nodes.size(), ranking));
    Policy policy = entry.factory().apply(new PolicyContext(policyRandom, fragmentation));

    double[] nodeFrag = new double[byRank.size()];
    double clusterFrag = 0;
    for (SimNode node : byRank) {
      nodeFrag[node.rank()] = fragmentationOf(fragmentation, node);
      clusterFrag += nodeFrag[node.rank()];
    }
    long[] arrived = new long[arrivals.size()];
    long[] used = new long[arrivals.size()];
    double[] frag = new double[arrivals.size()];
    List<RunResult.Placement> placements = new ArrayList<>();
    long arrivedMilli = 0;
    long usedMilli = 0;
    int placed = 0;
    for (int j = 0; j < arrivals.size(); j++) {
      PodRequest pod = arrivals.get(j);
      arrivedMilli += pod.totalGpuMilli();
      if (policy.decide(pod, byRank) instanceof Policy.Decision.Placed p) {
        SimNode node = byRank.get(p.nodeRank());
        node.commit(pod, p.gpus());
        policy.placed(pod, node, p.gpus());
        usedMilli += pod.totalGpuMilli();
        placed++;
        clusterFrag -= nodeFrag[node.rank()];
        nodeFrag[node.rank()] = fragmentationOf(fragmentation, node);
        clusterFrag += nodeFrag[node.rank()];
        if (keepPlacements) {
          placements.add(new RunResult.Placement(pod, node.spec().sn(), p.gpus().clone()));
        }
      }
      arrived[j] = arrivedMilli;
      used[j] = usedMilli;
      frag[j] = clusterFrag;
    }
    return new RunResult(workload, entry.name(), seed, totalGpus, arrivals.size(), placed,
        arrivals.size() - placed, Curves.reduce(arrived, used, frag, totalGpus), List.copyOf(placements));
  }

  /** Node at name-sorted position i gets rank ranks[i]; the list is indexed by rank. */
  private List<SimNode> rankedNodes(List<String> models, int[] ranks) {
    SimNode[] byRank = new SimNode[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      GpuNodeSpec spec = nodes.get(i);
      byRank[ranks[i]] = new SimNode(spec, models.indexOf(spec.model()), ranks[i]);
    }
    return List.of(byRank);
  }

  private static double fragmentationOf(FragmentationModel model, SimNode node) {
    return model.nodeFragmentation(node.modelIndex(), node.cpuLeft(), node.gpuLeftArray());
  }
}
