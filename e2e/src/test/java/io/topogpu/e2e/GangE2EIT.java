package io.topogpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.topogpu.e2e.harness.KubeBinaries;
import io.topogpu.e2e.harness.KubeCluster;
import io.topogpu.e2e.harness.Wait;
import io.topogpu.e2e.support.Allocations;
import io.topogpu.e2e.support.Pods;
import io.topogpu.e2e.support.RealKubernetes;
import io.topogpu.topology.Keys;
import io.topogpu.topology.shapes.Shapes;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Gangs through the real kube-scheduler: members are scheduled one by one, their binds wait at the
 * extender's barrier, and the whole gang binds or none of it does. Cluster: four DGX A100 nodes,
 * a-1 and a-2 in leaf l1, b-1 and b-2 in leaf l2; the scheduler-plugins PodGroup CRD is installed
 * before the extender starts, so it watches PodGroups.
 */
@TestMethodOrder(MethodOrderer.DisplayName.class)
class GangE2EIT {
  static final Duration BIND = Duration.ofSeconds(90);
  static final ResourceDefinitionContext POD_GROUP = new ResourceDefinitionContext.Builder()
      .withGroup("scheduling.x-k8s.io").withVersion("v1alpha1").withKind("PodGroup").withPlural("podgroups")
      .withNamespaced(true).build();
  static KubeBinaries bin;
  static KubeCluster cluster;

  @BeforeAll
  static void cluster() throws Exception {
    bin = RealKubernetes.binariesOrSkip();
    cluster = KubeCluster.start(bin, "gang");
    try (InputStream in = GangE2EIT.class.getResourceAsStream("/crds/scheduler-plugins-podgroup.yaml")) {
      CustomResourceDefinition crd = cluster.admin().apiextensions().v1().customResourceDefinitions().load(in).item();
      cluster.admin().apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
    Wait.until(Duration.ofSeconds(30), "the PodGroup CRD served",
        () -> cluster.admin().getApiResources("scheduling.x-k8s.io/v1alpha1") != null);
    cluster.startExtender();
    cluster.startKubeScheduler(bin);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void twoLeaves() {
    for (String n : List.of("a-1", "a-2")) {
      cluster.node(n, Shapes.load("dgx-a100-8gpu-nv12"), Map.of(Keys.LABEL_LEGACY_LEAF, "l1"));
    }
    for (String n : List.of("b-1", "b-2")) {
      cluster.node(n, Shapes.load("dgx-a100-8gpu-nv12"), Map.of(Keys.LABEL_LEGACY_LEAF, "l2"));
    }
  }

  @AfterEach
  void noGpuTwiceAndCleanUp() {
    try {
      assertThat(Allocations.read(cluster.admin()).conflicts()).isEmpty();
    } finally {
      cluster.admin().genericKubernetesResources(POD_GROUP).inNamespace("default").delete();
      cluster.reset();
    }
  }

  @Test
  @DisplayName("1 a 2 x 8 gang by topogpu.io/gang binds whole on two nodes of one leaf, with its plan")
  void topogpuGangBindsWholeInOneLeaf() {
    cluster.create(Pods.named("w-0").gpus(8).gang("train", 2).build());
    cluster.create(Pods.named("w-1").gpus(8).gang("train", 2).build());

    Pod w0 = cluster.awaitBound("default", "w-0", BIND);
    Pod w1 = cluster.awaitBound("default", "w-1", BIND);

    assertThat(w0.getSpec().getNodeName()).isNotEqualTo(w1.getSpec().getNodeName());
    assertThat(leaf(w0.getSpec().getNodeName())).isEqualTo(leaf(w1.getSpec().getNodeName()));
    var a = Allocations.read(cluster.admin()).of("default/w-0").orElseThrow();
    assertThat(a.gang()).isPresent();
    assertThat(a.gang().get().size()).isEqualTo(2);
  }

  @Test
  @DisplayName("2 a gang with one member missing binds nothing; when the last one comes, all bind")
  void incompleteGangWaits() {
    cluster.create(Pods.named("p-0").gpus(8).gang("late", 3).build());
    cluster.create(Pods.named("p-1").gpus(8).gang("late", 3).build());
    Wait.sleep(8_000);
    assertThat(boundNames()).isEmpty();

    cluster.create(Pods.named("p-2").gpus(8).gang("late", 3).build());

    for (String n : List.of("p-0", "p-1", "p-2")) {
      cluster.awaitBound("default", n, BIND);
    }
  }

  @Test
  @DisplayName("3 a scheduler-plugins PodGroup (minMember 2, CRD installed) is one gang; members bind whole")
  void schedulerPluginsPodGroupIsAGang() {
    cluster.admin().genericKubernetesResources(POD_GROUP).inNamespace("default").resource(
        new GenericKubernetesResourceBuilder().withApiVersion("scheduling.x-k8s.io/v1alpha1").withKind("PodGroup")
            .withNewMetadata().withName("pg-train").withNamespace("default").endMetadata()
            .addToAdditionalProperties("spec", Map.of("minMember", 2)).build()).create();
    cluster.create(Pods.named("pg-0").gpus(8).label(Keys.SCHEDULER_PLUGINS_POD_GROUP, "pg-train").build());
    cluster.create(Pods.named("pg-1").gpus(8).label(Keys.SCHEDULER_PLUGINS_POD_GROUP, "pg-train").build());

    Pod a = cluster.awaitBound("default", "pg-0", BIND);
    Pod b = cluster.awaitBound("default", "pg-1", BIND);

    assertThat(leaf(a.getSpec().getNodeName())).isEqualTo(leaf(b.getSpec().getNodeName()));
    var plan = Allocations.read(cluster.admin()).of("default/pg-0").orElseThrow().gang().orElseThrow();
    assertThat(plan.size()).isEqualTo(2);
  }

  @Test
  @DisplayName("4 two 3 x 8 gangs on four 8-GPU nodes: one binds whole, the other binds nothing until room is made")
  void competingGangs() {
    for (int i = 0; i < 3; i++) {
      cluster.create(Pods.named("x-" + i).gpus(8).gang("x", 3).build());
      cluster.create(Pods.named("y-" + i).gpus(8).gang("y", 3).build());
    }
    Wait.until(BIND, "one gang bound whole", () -> boundNames().size() == 3);
    Wait.sleep(5_000);
    Set<String> bound = boundNames();
    assertThat(bound).hasSize(3);
    String winner = bound.iterator().next().substring(0, 1);
    assertThat(bound).allMatch(n -> n.startsWith(winner));

    for (String n : bound) {
      cluster.delete("default", n);
    }
    String loser = winner.equals("x") ? "y" : "x";
    for (int i = 0; i < 3; i++) {
      cluster.awaitBound("default", loser + "-" + i, BIND);
    }
  }

  private static Set<String> boundNames() {
    return cluster.admin().pods().inNamespace("default").list().getItems().stream()
        .filter(p -> p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty())
        .map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
  }

  private static String leaf(String node) {
    return cluster.admin().nodes().withName(node).get().getMetadata().getLabels().get(Keys.LABEL_LEGACY_LEAF);
  }

}
