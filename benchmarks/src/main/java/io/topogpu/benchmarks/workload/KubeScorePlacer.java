package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.placement.GpuSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * kube-scheduler without topogpu: NodeResourcesFit filters nodes with enough free {@code nvidia.com/gpu},
 * and scores them with {@code nvidia.com/gpu} as the scored resource:
 *
 * <pre>
 *   LeastAllocated: score = (capacity − requested) · 100 / capacity     (integer division)
 *   MostAllocated:  score = requested · 100 / capacity
 * </pre>
 *
 * where requested counts the pod's GPUs too. Ties are broken uniformly at random, as selectHost's
 * reservoir sampling does (seeded here). The GPUs on the chosen node are the device plugin's
 * ({@link DevicePluginAllocator}): the scheduler does not choose them.
 */
public final class KubeScorePlacer implements PodPlacer {
  private final boolean mostAllocated;
  private final SplittableRandom random;
  private final DevicePluginAllocator devicePlugin;

  public KubeScorePlacer(boolean mostAllocated, SplittableRandom random, DevicePluginAllocator devicePlugin) {
    this.mostAllocated = mostAllocated;
    this.random = random;
    this.devicePlugin = devicePlugin;
  }

  @Override
  public Optional<Assignment> place(String podKey, int gpus, Collection<NodeState> nodes) {
    NodeState chosen = null;
    int bestScore = -1;
    int ties = 0;
    for (NodeState n : nodes) {
      int free = PodPlacer.free(n);
      if (free < gpus) {
        continue;
      }
      int capacity = Long.bitCount(n.placeableMask());
      int requested = capacity - free + gpus;
      int score = mostAllocated ? requested * 100 / capacity : (capacity - requested) * 100 / capacity;
      if (score > bestScore) {
        bestScore = score;
        chosen = n;
        ties = 1;
      } else if (score == bestScore && random.nextInt(++ties) == 0) {
        chosen = n;
      }
    }
    if (chosen == null) {
      return Optional.empty();
    }
    long mask = devicePlugin.allocate(chosen.topology().orElseThrow(), chosen.freeMask(), gpus);
    return Optional.of(Assignment.whole(chosen.name(), GpuSet.indices(mask), Collections.nCopies(gpus, "")));
  }
}
