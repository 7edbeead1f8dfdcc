package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import java.util.Collection;
import java.util.Optional;

/** Picks a node and GPUs for one pod of whole GPUs, or none when no node can take it now. Never mutates. */
public interface PodPlacer {
  Optional<Assignment> place(String podKey, int gpus, Collection<NodeState> nodes);

  /** Free whole GPUs of a node. */
  static int free(NodeState n) {
    return Long.bitCount(n.freeMask());
  }
}
