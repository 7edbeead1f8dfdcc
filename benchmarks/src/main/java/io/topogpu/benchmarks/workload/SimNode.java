package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.topology.model.NodeTopology;

/**
 * One simulated node: the {@link ClusterNode} placement sees (topology, network tier labels) plus the
 * simulator's own view of the same facts (kind and tiers, for the locality model and the metrics).
 */
public record SimNode(ClusterNode node, NodeKind kind, NodeTopology topology, String leaf, String spine, String core) {
  public String name() {
    return node.name();
  }

  public int gpus() {
    return topology.gpuCount();
  }
}
