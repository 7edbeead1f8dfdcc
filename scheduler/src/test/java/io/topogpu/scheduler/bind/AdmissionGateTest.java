package io.topogpu.scheduler.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.topology.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** At most one pod per (node, resource, size) posted and not yet admitted, on nodes of topogpu's plugin. */
class AdmissionGateTest {
  static final ClusterNode PLUGIN_NODE = ClusterNode.topologyUnknown("n1", Map.of(),
      Map.of(Keys.RESOURCE_GPU, 8L, Keys.RESOURCE_GPU_MILLI, 8000L), "test");
  static final ClusterNode NVIDIA_NODE = ClusterNode.topologyUnknown("n2", Map.of(), Map.of(Keys.RESOURCE_GPU, 8L),
      "test");

  final Map<String, PodInfo> pods = new ConcurrentHashMap<>();
  final List<String> committed = new CopyOnWriteArrayList<>();
  final Binder recording = new Binder() {
    @Override
    public Prepared prepare(BindTarget target) {
      return Prepared.READY;
    }

    @Override
    public void commit(BindTarget target) {
      if (target.name().startsWith("refused")) {
        throw new BindException("refused");
      }
      committed.add(target.name());
      pods.put(target.key(), pod(target.name(), target.node(), Optional.empty()));
    }

    @Override
    public boolean undo(BindTarget target, String why) {
      return false;
    }
  };

  AdmissionGate gate(Duration maxWait) {
    return new AdmissionGate(recording, k -> Optional.ofNullable(pods.get(k)),
        n -> Optional.of(n.equals("n1") ? PLUGIN_NODE : NVIDIA_NODE), maxWait);
  }

  @Test
  @DisplayName("a second 1-GPU pod on the same node waits until the kubelet admits the first, then binds")
  void sameLaneWaitsForAdmission() throws Exception {
    AdmissionGate gate = gate(Duration.ofSeconds(30));
    gate.commit(target("a", "n1", 1));

    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> gate.commit(target("b", "n1", 1)));
    Thread.sleep(300);
    assertThat(committed).containsExactly("a");

    pods.put("default/a", pod("a", "n1", Optional.of(Instant.parse("2026-12-04T00:00:00Z"))));

    second.get(10, TimeUnit.SECONDS);
    assertThat(committed).containsExactly("a", "b");
  }

  @Test
  @DisplayName("other sizes, and nodes where NVIDIA's plugin runs, never wait")
  void otherLanesDoNotWait() throws Exception {
    AdmissionGate gate = gate(Duration.ofSeconds(30));
    gate.commit(target("a", "n1", 1));

    CompletableFuture.runAsync(() -> gate.commit(target("two", "n1", 2))).get(5, TimeUnit.SECONDS);
    gate.commit(target("x", "n2", 1));
    CompletableFuture.runAsync(() -> gate.commit(target("y", "n2", 1))).get(5, TimeUnit.SECONDS);

    assertThat(committed).containsExactly("a", "two", "x", "y");
  }

  @Test
  @DisplayName("a pod deleted or finished before admission frees its lane")
  void goneOrTerminalFreesTheLane() throws Exception {
    AdmissionGate gate = gate(Duration.ofSeconds(30));
    gate.commit(target("a", "n1", 1));
    pods.remove("default/a");
    CompletableFuture.runAsync(() -> gate.commit(target("b", "n1", 1))).get(5, TimeUnit.SECONDS);
    pods.put("default/b", new PodInfo("default", "b", "uid-b", Map.of(), Map.of(), Optional.empty(), Placement.NONE,
        Optional.empty(), Optional.of("n1"), "Failed", 0, Optional.empty()));
    CompletableFuture.runAsync(() -> gate.commit(target("c", "n1", 1))).get(5, TimeUnit.SECONDS);

    assertThat(committed).containsExactly("a", "b", "c");
  }

  @Test
  @DisplayName("a kubelet that admits nothing holds a bind up to the wait, not longer")
  void waitIsBounded() throws Exception {
    AdmissionGate gate = gate(Duration.ofMillis(200));
    gate.commit(target("a", "n1", 1));

    CompletableFuture.runAsync(() -> gate.commit(target("b", "n1", 1))).get(5, TimeUnit.SECONDS);

    assertThat(committed).containsExactly("a", "b");
  }

  @Test
  @DisplayName("a refused binding does not hold the lane")
  void refusedBindingFreesTheLane() throws Exception {
    AdmissionGate gate = gate(Duration.ofSeconds(30));
    assertThatThrownBy(() -> gate.commit(target("refused", "n1", 1))).isInstanceOf(BindException.class);

    CompletableFuture.runAsync(() -> gate.commit(target("b", "n1", 1))).get(5, TimeUnit.SECONDS);
    assertThat(committed).containsExactly("b");
  }

  static BindTarget target(String name, String node, int gpus) {
    List<Integer> indices = java.util.stream.IntStream.range(0, gpus).boxed().toList();
    return new BindTarget("default", name, "uid-" + name, node,
        Optional.of(Assignment.whole(node, indices, indices.stream().map(i -> "").toList())));
  }

  static PodInfo pod(String name, String node, Optional<Instant> startTime) {
    return new PodInfo("default", name, "uid-" + name, Map.of(), Map.of(), Optional.empty(), Placement.NONE,
        Optional.empty(), Optional.of(node), "Pending", 0, startTime);
  }
}
