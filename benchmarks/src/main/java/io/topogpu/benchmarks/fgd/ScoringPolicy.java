package io.topogpu.benchmarks.fgd;

import java.util.ArrayList;
import java.util.List;

/**
 * The scheduling cycle of the authors' simulator (fgd-protocol.md §4): filter; no feasible node → reject;
 * exactly one → take it without scoring; otherwise score every feasible node (integers in [0, 100]),
 * optionally {@link #normalise}, take the highest score with ties to the smallest rank; then pick GPUs.
 */
abstract class ScoringPolicy implements Policy {

  @Override
  public final Decision decide(PodRequest pod, List<SimNode> nodesByRank) {
    List<SimNode> feasible = new ArrayList<>();
    for (SimNode node : nodesByRank) {
      if (node.feasible(pod)) {
        feasible.add(node);
      }
    }
    if (feasible.isEmpty()) {
      return new Decision.Rejected("no node fits cpu=" + pod.cpuMilli() + " mem=" + pod.memoryMib()
          + " gpu=" + pod.gpuCount() + "x" + pod.gpuMilli() + (pod.gpuType().isEmpty() ? "" : " type=" + pod.gpuType()));
    }
    SimNode chosen = feasible.size() == 1 ? feasible.get(0) : choose(pod, feasible);
    return new Decision.Placed(chosen.rank(), selectGpus(pod, chosen));
  }

  /** Highest (normalised) score; the strict comparison keeps the first, i.e. smallest-rank, of ties. */
  SimNode choose(PodRequest pod, List<SimNode> feasible) {
    int[] scores = new int[feasible.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = score(pod, feasible.get(i));
    }
    normalise(scores);
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return feasible.get(best);
  }

  /** The policy's integer node score in [0, 100] for a feasible node. */
  abstract int score(PodRequest pod, SimNode node);

  /** Rescales the scores of one decision in place; by default none. */
  void normalise(int[] scores) {}

  int[] selectGpus(PodRequest pod, SimNode node) {
    return GpuSelection.bestFit(pod, node);
  }
}
