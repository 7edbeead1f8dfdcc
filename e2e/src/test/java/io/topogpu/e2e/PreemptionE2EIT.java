package io.topogpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.topogpu.e2e.harness.KubeBinaries;
import io.topogpu.e2e.harness.KubeCluster;
import io.topogpu.e2e.harness.Terminator;
import io.topogpu.e2e.harness.Wait;
import io.topogpu.e2e.support.Allocations;
import io.topogpu.e2e.support.Pods;
import io.topogpu.e2e.support.RealKubernetes;
import io.topogpu.topology.Keys;
import io.topogpu.topology.shapes.Shapes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Preemption through the real kube-scheduler calling the extender's preempt verb, with
 * PriorityClasses resolved by the real API server's admission. Victims' deletion completes through
 * the harness's {@link Terminator} (no kubelet runs for these nodes).
 */
@TestMethodOrder(MethodOrderer.DisplayName.class)
class PreemptionE2EIT {
  static final Duration BIND = Duration.ofSeconds(90);
  static KubeBinaries bin;
  static KubeCluster cluster;
  static Terminator terminator;

  @BeforeAll
  static void cluster() {
    bin = RealKubernetes.binariesOrSkip();
    cluster = KubeCluster.start(bin, "preemption");
    for (var pc : Map.of("low", 100, "high", 10000).entrySet()) {
      cluster.admin().scheduling().v1().priorityClasses().resource(new PriorityClassBuilder().withNewMetadata()
          .withName(pc.getKey()).endMetadata().withValue(pc.getValue()).build()).create();
    }
    terminator = new Terminator(cluster.admin());
    cluster.startExtender();
    cluster.startKubeScheduler(bin);
  }

  @AfterAll
  static void stop() {
    if (terminator != null) {
      terminator.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void cleanUp() {
    try {
      assertThat(Allocations.read(cluster.admin()).conflicts()).isEmpty();
    } finally {
      cluster.reset();
    }
  }

  @Test
  @DisplayName("1 a high-priority 2-GPU pod requiring NVLink on a full node evicts the two pods of one bridged pair, nothing else")
  void nvlinkPreemptorEvictsOnePair() {
    cluster.node("azure", Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs"), Map.of());
    for (int i = 0; i < 4; i++) {
      cluster.create(withPriority(Pods.named("low-" + i).gpus(1).build(), "low"));
      cluster.awaitBound("default", "low-" + i, BIND);
    }
    Map<String, Integer> gpuOf = Allocations.read(cluster.admin()).all().entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().substring("default/".length()), e -> e.getValue().gpus().get(0)));

    cluster.create(withPriority(Pods.named("urgent").gpus(2).annotation(Keys.PLACEMENT_REQUIRED, "nvlink").build(),
        "high"));
    Pod urgent = cluster.awaitBound("default", "urgent", BIND);

    Set<String> survivors = cluster.admin().pods().inNamespace("default").list().getItems().stream()
        .map(p -> p.getMetadata().getName()).filter(n -> n.startsWith("low-")).collect(Collectors.toSet());
    assertThat(survivors).as("two low pods survive").hasSize(2);
    // Worked by hand: the pairs are {0,1} and {2,3}; the evicted two held one whole pair, which urgent got.
    Set<Integer> evictedGpus = gpuOf.entrySet().stream().filter(e -> !survivors.contains(e.getKey()))
        .map(Map.Entry::getValue).collect(Collectors.toSet());
    assertThat(evictedGpus).isIn(Set.of(0, 1), Set.of(2, 3));
    assertThat(Set.copyOf(Allocations.fromPod(urgent).orElseThrow().gpus())).isEqualTo(evictedGpus);
  }

  @Test
  @DisplayName("2 pods of equal priority are never evicted: the preemptor waits")
  void equalPriorityIsNotEvicted() throws Exception {
    cluster.node("azure", Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs"), Map.of());
    for (int i = 0; i < 4; i++) {
      cluster.create(withPriority(Pods.named("peer-" + i).gpus(1).build(), "high"));
      cluster.awaitBound("default", "peer-" + i, BIND);
    }
    cluster.create(withPriority(Pods.named("late").gpus(2).build(), "high"));
    Thread.sleep(8000);

    assertThat(cluster.pod("default", "late").getSpec().getNodeName()).isNull();
    assertThat(cluster.admin().pods().inNamespace("default").list().getItems()).hasSize(5);
  }

  static Pod withPriority(Pod pod, String priorityClass) {
    return new PodBuilder(pod).editSpec().withPriorityClassName(priorityClass).withPriority(null).endSpec().build();
  }
}
