package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Starts a job all-or-nothing: one assignment per pod, in pod order, or empty when it cannot start now. */
public interface GangStarter {
  Optional<List<Assignment>> start(String job, List<PodSlot> pods, Collection<NodeState> nodes);

  /**
   * The nodes to hold for the job when it starves (closed to every other job until it starts), or empty
   * when no domain of {@code nodes} could ever hold it.
   */
  Optional<List<String>> holdTarget(String job, List<PodSlot> pods, Collection<NodeState> nodes);
}
