package io.topogpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.topogpu.e2e.harness.KubeBinaries;
import io.topogpu.e2e.harness.KubeCluster;
import io.topogpu.e2e.harness.Wait;
import io.topogpu.e2e.support.Allocations;
import io.topogpu.e2e.support.Pods;
import io.topogpu.e2e.support.RealKubernetes;
import io.topogpu.scheduler.demo.DemoCluster;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.topology.Keys;
import io.topogpu.topology.shapes.Shapes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Single pods through a real kube-apiserver and kube-scheduler calling the extender, each under
 * the service account and RBAC of the shipped manifests, with the shipped configuration: pods with
 * and without annotations bind, multi-GPU pods get the best-linked set, MIG and shares bind, and
 * what the API server records never gives a GPU twice.
 *
 * <p>Nodes (no kubelet): {@code azure} — 4 × A100 PCIe whose NVLink bridges pair GPU0–GPU1 and
 * GPU2–GPU3, everything else SYS; {@code l40s} — 8 × L40S, GPUs 0–3 on NUMA node 0 and 4–7 on 1,
 * no NVLink; {@code mig} — 8 × A100 80GB each partitioned like the MIG capture. Each test uses only
 * the node its pods fit, by resource: whole GPUs go to azure or l40s, MIG to mig.
 */
@TestMethodOrder(MethodOrderer.DisplayName.class)
class BindE2EIT {
  static final Duration BIND = Duration.ofSeconds(60);
  static KubeBinaries bin;
  static KubeCluster cluster;

  @BeforeAll
  static void cluster() {
    bin = RealKubernetes.binariesOrSkip();
    cluster = KubeCluster.start(bin, "bind");
    cluster.startExtender();
    cluster.startKubeScheduler(bin);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void noGpuTwiceAndCleanUp() {
    try {
      assertThat(Allocations.read(cluster.admin()).conflicts()).isEmpty();
    } finally {
      cluster.reset();
    }
  }

  @Test
  @DisplayName("1 a pod with no metadata.annotations at all binds and gets topogpu.io/gpus (the 422 bug)")
  void podWithoutAnnotationsBinds() {
    cluster.node("azure", Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs"), Map.of());
    Pod created = cluster.create(Pods.named("plain").gpus(1).build());
    assertThat(created.getMetadata().getAnnotations()).isNullOrEmpty();

    Pod bound = cluster.awaitBound("default", "plain", BIND);

    assertThat(bound.getSpec().getNodeName()).isEqualTo("azure");
    Assignment a = Allocations.read(cluster.admin()).of("default/plain").orElseThrow();
    assertThat(a.gpus()).hasSize(1);
    assertThat(bound.getMetadata().getAnnotations()).containsOnlyKeys(Keys.GPUS);
  }

  @Test
  @DisplayName("2 a pod with annotations of its own binds and keeps them")
  void podWithAnnotationsBinds() {
    cluster.node("azure", Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs"), Map.of());
    cluster.create(Pods.named("annotated").gpus(1).annotation("team", "vision").build());

    Pod bound = cluster.awaitBound("default", "annotated", BIND);

    assertThat(bound.getMetadata().getAnnotations()).containsEntry("team", "vision").containsKey(Keys.GPUS);
  }

  @Test
  @DisplayName("3 NVLink pairs: after a 1-GPU pod, a 2-GPU pod gets the other bridged pair, never a SYS pair")
  void twoGpuPodGetsAnNvlinkPair() {
    cluster.node("azure", Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs"), Map.of());
    cluster.create(Pods.named("one").gpus(1).build());
    cluster.awaitBound("default", "one", BIND);
    int first = Allocations.read(cluster.admin()).of("default/one").orElseThrow().gpus().get(0);

    cluster.create(Pods.named("pair").gpus(2).build());
    cluster.awaitBound("default", "pair", BIND);

    // Worked by hand: the pairs are {0,1} and {2,3}; the one left whole is the one without `first`.
    List<Integer> expected = first < 2 ? List.of(2, 3) : List.of(0, 1);
    assertThat(Allocations.read(cluster.admin()).of("default/pair").orElseThrow().gpus()).isEqualTo(expected);
  }

  @Test
  @DisplayName("4 NUMA: two 4-GPU pods on an 8-GPU PCIe node each get one whole NUMA node")
  void fourGpuPodsGetOneNumaNodeEach() {
    cluster.node("l40s", Shapes.load("l40s-8gpu-pcie-node-sys"), Map.of());
    cluster.create(Pods.named("left").gpus(4).build());
    cluster.awaitBound("default", "left", BIND);
    cluster.create(Pods.named("right").gpus(4).build());
    cluster.awaitBound("default", "right", BIND);

    Allocations a = Allocations.read(cluster.admin());
    Set<List<Integer>> sets = Set.of(a.of("default/left").orElseThrow().gpus(),
        a.of("default/right").orElseThrow().gpus());
    assertThat(sets).containsExactlyInAnyOrder(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7));
  }

  @Test
  @DisplayName("5 MIG: a 1g.10gb pod binds to a MIG instance of that profile")
  void migPodBinds() {
    cluster.node("mig", DemoCluster.migA100(), Map.of());
    cluster.create(Pods.named("slice").mig("1g.10gb").build());

    cluster.awaitBound("default", "slice", BIND);

    Assignment a = Allocations.read(cluster.admin()).of("default/slice").orElseThrow();
    assertThat(a.mig()).hasSize(1);
    assertThat(a.mig().get(0).profile()).isEqualTo("1g.10gb");
  }

  @Test
  @DisplayName("6 shares: two 500-milli pods share one GPU; a third goes to another GPU")
  void sharesPackOneGpu() {
    cluster.node("azure", Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs"), Map.of());
    for (String name : List.of("s1", "s2")) {
      cluster.create(Pods.named(name).milli(500).build());
      cluster.awaitBound("default", name, BIND);
    }
    cluster.create(Pods.named("s3").milli(600).build());
    cluster.awaitBound("default", "s3", BIND);

    Allocations a = Allocations.read(cluster.admin());
    Assignment s1 = a.of("default/s1").orElseThrow();
    Assignment s2 = a.of("default/s2").orElseThrow();
    Assignment s3 = a.of("default/s3").orElseThrow();
    assertThat(s1.milli()).isEqualTo(500);
    assertThat(s2.gpus()).isEqualTo(s1.gpus());
    assertThat(s3.gpus()).isNotEqualTo(s1.gpus());
  }

  @Test
  @DisplayName("7 deleting a pod frees its GPUs: a full node takes a new pod once one is deleted")
  void deletionFreesGpus() {
    cluster.node("azure", Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs"), Map.of());
    cluster.create(Pods.named("all").gpus(4).build());
    cluster.awaitBound("default", "all", BIND);
    cluster.create(Pods.named("next").gpus(2).build());
    Wait.until(Duration.ofSeconds(20), "kube-scheduler to find no room for next",
        () -> unschedulable("next"));

    cluster.delete("default", "all");

    cluster.awaitBound("default", "next", BIND);
    assertThat(Allocations.read(cluster.admin()).of("default/next").orElseThrow().gpus())
        .isIn(List.of(0, 1), List.of(2, 3));
  }

  @Test
  @DisplayName("8 a node removed with a pod on it and added again: the pod that still names it keeps its GPUs until deleted")
  void nodeRemovedWithPods() {
    cluster.node("azure", Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs"), Map.of());
    cluster.node("l40s", Shapes.load("l40s-8gpu-pcie-node-sys"), Map.of());
    cluster.create(Pods.named("on-l40s").gpus(8).build());
    cluster.awaitBound("default", "on-l40s", BIND);
    assertThat(cluster.pod("default", "on-l40s").getSpec().getNodeName()).isEqualTo("l40s");

    cluster.admin().nodes().withName("l40s").withGracePeriod(0).delete();
    cluster.node("l40s", Shapes.load("l40s-8gpu-pcie-node-sys"), Map.of());
    // The old pod still names l40s (no controller manager garbage-collects it): the new node
    // object of that name is full until it goes, exactly as the API server says.
    cluster.create(Pods.named("after").gpus(8).build());
    Wait.until(Duration.ofSeconds(20), "no room for after", () -> unschedulable("after"));
    cluster.delete("default", "on-l40s");
    cluster.awaitBound("default", "after", BIND);
    assertThat(cluster.pod("default", "after").getSpec().getNodeName()).isEqualTo("l40s");
  }

  private static boolean unschedulable(String name) {
    Pod p = cluster.pod("default", name);
    return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
        .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()));
  }
}
