package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.topology.Keys;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Fluent builder of small simulated clusters of real shapes for the workload tests. */
final class TestCluster {
  private final List<SimNode> nodes = new ArrayList<>();
  private String leaf = "leaf-1";
  private String spine = "spine-1";

  static TestCluster cluster() {
    return new TestCluster();
  }

  /** Following nodes go under this leaf and spine. */
  TestCluster under(String leaf, String spine) {
    this.leaf = leaf;
    this.spine = spine;
    return this;
  }

  TestCluster nodes(int count, String shape) {
    NodeTopology t = Shapes.load(shape);
    for (int i = 0; i < count; i++) {
      String name = "node-%02d".formatted(nodes.size());
      ClusterNode cn = ClusterNode.withTopology(name,
          Map.of(Keys.LABEL_LEGACY_LEAF, leaf, Keys.LABEL_LEGACY_SPINE, spine, Keys.LABEL_LEGACY_CORE, "core"),
          Map.of(), t);
      nodes.add(new SimNode(cn, NodeKind.of(shape), t, leaf, spine, "core"));
    }
    return this;
  }

  List<SimNode> build() {
    return List.copyOf(nodes);
  }

  static SimNode node(String shape) {
    return cluster().nodes(1, shape).build().get(0);
  }
}
