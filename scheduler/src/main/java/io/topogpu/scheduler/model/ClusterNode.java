package io.topogpu.scheduler.model;

import io.topogpu.topology.model.NodeTopology;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kubernetes node as placement sees it.
 *
 * @param allocatable integer counts of the managed resources the kubelet advertises ({@code
 *     nvidia.com/gpu}, {@code nvidia.com/mig-*}); informational: the GPU capacity placement uses
 *     comes from the topology, which knows which GPU is which
 * @param topology the decoded {@code topogpu.io/topology} annotation; empty when the node has none
 *     or it is invalid, and then {@code topologyProblem} says why ("topology unknown")
 */
public record ClusterNode(
    String name,
    Map<String, String> labels,
    Map<String, Long> allocatable,
    Optional<NodeTopology> topology,
    String topologyProblem) {

  public ClusterNode {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels == null ? Map.of() : labels);
    allocatable = Map.copyOf(allocatable == null ? Map.of() : allocatable);
    topology = Objects.requireNonNullElse(topology, Optional.empty());
    topologyProblem = Objects.requireNonNullElse(topologyProblem, "");
    if (topology.isEmpty() && topologyProblem.isEmpty()) {
      throw new IllegalArgumentException("node " + name + " without topology needs a reason");
    }
    if (topology.isPresent() && !topologyProblem.isEmpty()) {
      throw new IllegalArgumentException("node " + name + " has a topology and a topology problem");
    }
  }

  public static ClusterNode withTopology(String name, Map<String, String> labels,
      Map<String, Long> allocatable, NodeTopology topology) {
    return new ClusterNode(name, labels, allocatable, Optional.of(topology), "");
  }

  public static ClusterNode topologyUnknown(String name, Map<String, String> labels,
      Map<String, Long> allocatable, String problem) {
    return new ClusterNode(name, labels, allocatable, Optional.empty(), problem);
  }

  public boolean topologyKnown() {
    return topology.isPresent();
  }
}
