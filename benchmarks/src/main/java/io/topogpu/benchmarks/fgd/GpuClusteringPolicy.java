package io.topogpu.benchmarks.fgd;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * 03-GpuClustering (fgd-protocol.md §6.3). Pod tag: {@code share-gpu} (count 1, milli &lt; 1000) or
 * {@code <count>-gpu}; CPU-only pods have none and score 0 everywhere (so they go first-fit by rank).
 * With {@code base = (25 × (8000 − gpuLeftTotal)) // 8000}: tag on the node → base + 75 if it is the
 * node's only tag, else base + 50; tag absent → base + 25 if the node has no tags, else base.
 * A node's tags are those of the GPU pods placed on it (no departures, so tags are only added).
 */
final class GpuClusteringPolicy extends ScoringPolicy {
  private final Map<Integer, Set<String>> tagsByRank = new HashMap<>();

  @Override
  int score(PodRequest pod, SimNode node) {
    if (pod.cpuOnly()) {
      return 0;
    }
    int base = (25 * (8000 - node.gpuLeftTotal())) / 8000;
    Set<String> tags = tagsByRank.getOrDefault(node.rank(), Set.of());
    if (tags.contains(tag(pod))) {
      return base + (tags.size() == 1 ? 75 : 50);
    }
    return base + (tags.isEmpty() ? 25 : 0);
  }

  @Override
  public void placed(PodRequest pod, SimNode node, int[] gpus) {
    if (!pod.cpuOnly()) {
      tagsByRank.computeIfAbsent(node.rank(), r -> new HashSet<>()).add(tag(pod));
    }
  }

  static String tag(PodRequest pod) {
    return pod.sharing() ? "share-gpu" : pod.gpuCount() + "-gpu";
  }
}
