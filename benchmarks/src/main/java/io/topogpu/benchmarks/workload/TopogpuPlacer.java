package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.NodeEvaluation;
import io.topogpu.scheduler.placement.Placer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * topogpu: the extender's own {@link Placer} ranks the nodes and picks the GPUs. Nodes with fewer free
 * GPUs than the pod asks for are left out before ranking (Placer would reject them too; this only saves
 * time).
 */
public final class TopogpuPlacer implements PodPlacer {
  static final String NAMESPACE = "sim";
  private final Placer placer;

  public TopogpuPlacer(Placer placer) {
    this.placer = placer;
  }

  @Override
  public Optional<Assignment> place(String podKey, int gpus, Collection<NodeState> nodes) {
    List<NodeState> candidates = nodes.stream().filter(n -> PodPlacer.free(n) >= gpus).toList();
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    return placer.rank(pod(podKey, gpus), candidates).best().flatMap(NodeEvaluation::assignment);
  }

  /** A pending pod asking for {@code gpus} whole GPUs, named so that {@link PodInfo#key()} is {@code podKey}. */
  static PodInfo pod(String podKey, int gpus) {
    String name = podKey.substring(podKey.indexOf('/') + 1);
    return new PodInfo(NAMESPACE, name, "", Map.of(), Map.of(), Optional.of(new GpuRequest.WholeGpus(gpus)),
        Placement.NONE, Optional.empty(), Optional.empty(), "Pending");
  }
}
