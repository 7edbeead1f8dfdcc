package io.topogpu.scheduler.preempt;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A hand-built cluster for preemption tests: nodes with running pods at given priorities. */
final class PreemptCluster implements PreemptionPlanner.View {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private final Map<String, NodeState> nodes = new LinkedHashMap<>();
  private final Map<String, PodInfo> pods = new LinkedHashMap<>();

  PreemptCluster node(String name, String shape) {
    nodes.put(name, NodeState.empty(MakeNode.named(name).shape(shape).clusterNode()));
    return this;
  }

  /** A node with labels (network tiers). */
  PreemptCluster node(String name, String shape, Map<String, String> labels) {
    MakeNode n = MakeNode.named(name).shape(shape);
    labels.forEach(n::label);
    nodes.put(name, NodeState.empty(n.clusterNode()));
    return this;
  }

  Collection<NodeState> nodes() {
    return nodes.values();
  }

  /** Pod {@code name} of priority {@code priority}, running {@code hours} on {@code gpus} of {@code node}. */
  PreemptCluster run(String name, String node, int priority, double hours, int... gpus) {
    return run(MakePod.named(name).gpus(gpus.length), node, priority, hours, whole(node, gpus));
  }

  /** A gang member ({@code topogpu.io/gang} annotations). */
  PreemptCluster member(String gang, int size, String name, String node, int priority, double hours, int... gpus) {
    return run(MakePod.named(name).gpus(gpus.length).annotation(Keys.GANG, gang)
        .annotation(Keys.GANG_SIZE, Integer.toString(size)), node, priority, hours, whole(node, gpus));
  }

  PreemptCluster share(String name, String node, int priority, double hours, int gpu, int milli) {
    return run(MakePod.named(name).milli(milli), node, priority, hours, Assignment.share(node, gpu, "", milli));
  }

  PreemptCluster run(MakePod pod, String node, int priority, double hours, Assignment a) {
    PodInfo p = pod.on(node).priority(priority)
        .startedAt(NOW.minus(Duration.ofMinutes(Math.round(hours * 60)))).holding(a).obj();
    pods.put(p.key(), p);
    nodes.put(node, nodes.get(node).with(p.key(), a));
    return this;
  }

  static Assignment whole(String node, int... gpus) {
    List<Integer> list = new ArrayList<>();
    List<String> uuids = new ArrayList<>();
    for (int g : gpus) {
      list.add(g);
      uuids.add("");
    }
    return Assignment.whole(node, list, uuids);
  }

  /** kube-scheduler's proposal: every pod of lower priority than {@code preemptor} on each node. */
  Map<String, List<String>> proposeAll(PodInfo preemptor) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    nodes.keySet().forEach(n -> out.put(n, pods.values().stream()
        .filter(p -> p.nodeName().orElseThrow().equals(n) && p.priority() < preemptor.priority())
        .map(PodInfo::uid).toList()));
    return out;
  }

  @Override
  public Optional<NodeState> node(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  @Override
  public Optional<PodInfo> pod(String key) {
    return Optional.ofNullable(pods.get(key));
  }

  @Override
  public Collection<PodInfo> pods() {
    return pods.values();
  }
}
