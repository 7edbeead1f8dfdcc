package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.ledger.NodeState;
import java.util.Collection;
import java.util.List;

/** One pod of a job to place: its ledger key ({@code sim/<job>-<i>}) and its whole-GPU count. */
public record PodSlot(String key, int gpus) {

  /**
   * Whether the nodes could hold all {@code pods} at once by count alone: Σ_nodes ⌊free/g⌋ ≥ pods with g the
   * smallest pod (each pod needs g GPUs of one node). False means no placement exists; true promises none.
   */
  public static boolean mayFit(List<PodSlot> pods, Collection<NodeState> nodes) {
    int g = pods.stream().mapToInt(PodSlot::gpus).min().orElse(1);
    long slots = nodes.stream().mapToLong(n -> PodPlacer.free(n) / g).sum();
    return slots >= pods.size();
  }
}
