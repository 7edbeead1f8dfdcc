package io.topogpu.scheduler.testing;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.topology.Keys;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fluent builder of nodes and their ledger state, so a test reads as a sentence:
 *
 * <pre>{@code
 * MakeNode.named("n1").shape("dgx-a100-8gpu-nv12").busy(0, 1, 2).state();
 * MakeNode.named("old").noTopology("topogpu.io/topology annotation missing").clusterNode();
 * }</pre>
 *
 * Busy GPUs, shares and MIG instances are held by filler pods named {@code other/<node>-<n>}.
 */
public final class MakeNode {
  private final String name;
  private NodeTopology topology;
  private String problem = "";
  private final Map<String, String> labels = new LinkedHashMap<>();
  private final Map<String, Long> allocatable = new LinkedHashMap<>();
  private final List<Assignment> held = new ArrayList<>();

  private MakeNode(String name) {
    this.name = name;
  }

  public static MakeNode named(String name) {
    return new MakeNode(name);
  }

  /** A real shape from {@link Shapes}. */
  public MakeNode shape(String shape) {
    this.topology = Shapes.load(shape);
    return this;
  }

  public MakeNode topology(NodeTopology t) {
    this.topology = t;
    return this;
  }

  /** No usable topology annotation, for the given reason ({@code topogpu.io/topology annotation missing}). */
  public MakeNode noTopology(String why) {
    this.topology = null;
    this.problem = why;
    return this;
  }

  public MakeNode label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  public MakeNode allocatable(String resource, long count) {
    allocatable.put(resource, count);
    return this;
  }

  /** Each listed GPU held whole by its own filler pod. */
  public MakeNode busy(int... gpus) {
    for (int g : gpus) {
      held.add(Assignment.whole(name, List.of(g), List.of("")));
    }
    return this;
  }

  /** {@code milli} of GPU {@code gpu} held by a filler pod. */
  public MakeNode share(int gpu, int milli) {
    held.add(Assignment.share(name, gpu, "", milli));
    return this;
  }

  /** The MIG instance starting at {@code start} on GPU {@code gpu} held by a filler pod. */
  public MakeNode migHeld(int gpu, int start) {
    MigInstance m = topology.gpu(gpu).mig().instances().stream().filter(i -> i.start() == start)
        .findFirst().orElseThrow(() -> new IllegalArgumentException("no MIG instance at " + gpu + "@" + start));
    held.add(Assignment.mig(name, List.of(new MigSlot(gpu, m.profile(), m.start(), m.size(), m.uuid()))));
    return this;
  }

  public ClusterNode clusterNode() {
    return topology == null
        ? ClusterNode.topologyUnknown(name, labels, allocatable, problem.isEmpty() ? Keys.TOPOLOGY + " annotation missing" : problem)
        : ClusterNode.withTopology(name, labels, allocatable, topology);
  }

  /** The node with every filler pod's holding. */
  public NodeState state() {
    NodeState s = NodeState.empty(clusterNode());
    for (int i = 0; i < held.size(); i++) {
      s = s.with(fillerKey(i), held.get(i));
    }
    return s;
  }

  /** Filler pods' holdings in order, for tests that rebuild a ledger. */
  public List<Assignment> holdings() {
    return List.copyOf(held);
  }

  public String fillerKey(int i) {
    return "other/" + name + "-" + i;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(held.toArray());
  }
}
