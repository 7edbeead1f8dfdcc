package io.topogpu.benchmarks.fgd;

import java.util.List;
import java.util.SplittableRandom;

/** 01-Random (fgd-protocol.md §6.1): a uniform feasible node (no draw when only one fits), random GPU. */
final class RandomPolicy extends ScoringPolicy {
  private final SplittableRandom random;

  RandomPolicy(PolicyContext context) {
    this.random = context.random();
  }

  @Override
  SimNode choose(PodRequest pod, List<SimNode> feasible) {
    return feasible.get(random.nextInt(feasible.size()));
  }

  @Override
  int score(PodRequest pod, SimNode node) {
    throw new UnsupportedOperationException("Random does not score");
  }

  @Override
  int[] selectGpus(PodRequest pod, SimNode node) {
    return GpuSelection.random(pod, node, random);
  }
}
