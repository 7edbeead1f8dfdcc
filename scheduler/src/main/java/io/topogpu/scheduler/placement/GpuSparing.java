package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.ledger.NodeState;

/**
 * The extender's score for a pod that asks for no GPU (CPU-only), when the extender is configured to
 * see such pods: nodes whose GPUs are already used up first, so the CPU and memory next to idle GPUs
 * stay available for the GPU pods that need them. With {@code idle} the unused milli-GPU of the node's
 * healthy GPUs:
 *
 * <pre>  sparing = 1 − idle / capacity        (1 on a node without GPUs)</pre>
 *
 * A node with every GPU busy scores 1, an idle GPU node 0. It says nothing about CPU or memory fit,
 * which kube-scheduler's own filters and scores handle.
 */
public final class GpuSparing {
  private GpuSparing() {}

  public static double score(NodeState node) {
    double idleGpus = (node.capacityMilli() - node.usedMilli()) / (double) NodeState.MILLI_PER_GPU;
    return 1 / (1 + idleGpus);
  }
}
