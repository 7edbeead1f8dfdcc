package io.topogpu.benchmarks.fgd;

import java.util.List;

/**
 * A placement policy as the simulator drives it: one call per arriving pod, in arrival order. The policy
 * only decides; the simulator validates and commits the decision (an infeasible decision is a bug and
 * aborts the run), then reports it back through {@link #placed}. Policies that keep their own bookkeeping
 * (e.g. GpuClustering's tags, or an adapter over the scheduler's placement core mirroring allocations
 * into its ledger) update it there.
 */
public interface Policy {

  /**
   * Where {@code pod} goes. {@code nodesByRank} is the whole cluster in tie-break order (index = rank);
   * the nodes must not be modified.
   */
  Decision decide(PodRequest pod, List<SimNode> nodesByRank);

  /** Called after the simulator committed a {@link Decision.Placed}. */
  default void placed(PodRequest pod, SimNode node, int[] gpus) {}

  /** A policy's answer: rejections are data, not exceptions. */
  sealed interface Decision {
    /** Put the pod on the node of that rank, {@code pod.gpuMilli()} on each listed GPU index. */
    record Placed(int nodeRank, int[] gpus) implements Decision {}

    /** The pod fits nowhere; it is dropped for good but still counts as arrived. */
    record Rejected(String reason) implements Decision {}
  }
}
