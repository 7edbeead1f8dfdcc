package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.topology.Keys;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the simulated cluster: {@code n} nodes of real shapes in an inventory's proportions
 * ({@link ClusterProfiles#scale}), placed in order on the first {@code n} hosts of the Lingjun network map
 * ({@link NetworkMap#firstHosts}), so consecutive nodes share racks. Each node carries the legacy network
 * labels {@code network.topology.nvidia.com/leaf|spine|core} = ASW | PSW | DSW, the labels gang placement
 * reads.
 */
public final class ClusterBuilder {
  private ClusterBuilder() {}

  public static List<SimNode> build(List<String> shapes, NetworkMap network) {
    List<NetworkMap.Host> hosts = network.firstHosts(shapes.size());
    Map<String, NodeTopology> topologies = new HashMap<>();
    List<SimNode> nodes = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      String shape = shapes.get(i);
      NodeTopology t = topologies.computeIfAbsent(shape, Shapes::load);
      NetworkMap.Host h = hosts.get(i);
      String name = "node-%03d".formatted(i);
      Map<String, String> labels = Map.of(
          Keys.LABEL_LEGACY_LEAF, h.leaf(), Keys.LABEL_LEGACY_SPINE, h.spine(), Keys.LABEL_LEGACY_CORE, h.core());
      ClusterNode cn = ClusterNode.withTopology(name, labels, Map.of(Keys.RESOURCE_GPU, (long) t.gpuCount()), t);
      nodes.add(new SimNode(cn, NodeKind.of(shape), t, h.leaf(), h.spine(), h.core()));
    }
    return List.copyOf(nodes);
  }
}
