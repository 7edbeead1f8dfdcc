package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.gang.GangEvents;
import io.topogpu.scheduler.gang.kube.KubePodGroupSizes;
import io.topogpu.scheduler.model.GangPlan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Each ecosystem's way of naming a gang, with the labels, annotations and PodGroup objects exactly
 * as those projects write them (PodGroups stored in the mock API server as generic resources). A
 * gang of 2 × 8 GPUs on two 8-GPU nodes: recognised as a gang, it binds whole with the gang plan
 * in {@code topogpu.io/gpus}.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class GangAliasesIT {
  KubernetesMockServer server;
  KubernetesClient client;
  GangCluster cluster;
  GangExtender extender;

  @BeforeEach
  void cluster() {
    cluster = new GangCluster(server, client).servingPodGroups().leaf("l1", "a", 2);
  }

  @AfterEach
  void stop() {
    if (extender != null) {
      extender.close();
    }
  }

  @Test
  @DisplayName("scheduler-plugins: label scheduling.x-k8s.io/pod-group, size from PodGroup v1alpha1 minMember")
  void schedulerPluginsPodGroup() {
    podGroup(KubePodGroupSizes.SCHEDULER_PLUGINS, "scheduling.x-k8s.io/v1alpha1", "pg-train", 2);
    extender = GangExtender.synced(client, 1);
    MockApi.await(() -> extender.schedulerPlugins.size(GangCluster.NS, "pg-train").isPresent(), "PodGroup seen");
    List<Pod> pods = List.of(
        cluster.pod("sp-0", 8, Map.of("scheduling.x-k8s.io/pod-group", "pg-train"), Map.of()),
        cluster.pod("sp-1", 8, Map.of("scheduling.x-k8s.io/pod-group", "pg-train"), Map.of()));

    assertBoundAsGang(pods, "pg-train");
  }

  @Test
  @DisplayName("Volcano: annotation scheduling.k8s.io/group-name, size from PodGroup v1beta1 minMember")
  void volcanoPodGroup() {
    podGroup(KubePodGroupSizes.VOLCANO, "scheduling.volcano.sh/v1beta1", "vc-train", 2);
    extender = GangExtender.synced(client, 2);
    MockApi.await(() -> extender.volcano.size(GangCluster.NS, "vc-train").isPresent(), "PodGroup seen");
    List<Pod> pods = List.of(
        cluster.pod("vc-0", 8, Map.of(), Map.of("scheduling.k8s.io/group-name", "vc-train")),
        cluster.pod("vc-1", 8, Map.of(), Map.of("scheduling.k8s.io/group-name", "vc-train")));

    assertBoundAsGang(pods, "vc-train");
  }

  @Test
  @DisplayName("Kueue: label kueue.x-k8s.io/pod-group-name, size from annotation pod-group-total-count")
  void kueuePodGroup() {
    extender = GangExtender.synced(client, 3);
    Map<String, String> labels = Map.of("kueue.x-k8s.io/pod-group-name", "kq-train");
    Map<String, String> annotations = Map.of("kueue.x-k8s.io/pod-group-total-count", "2");
    List<Pod> pods = List.of(cluster.pod("kq-0", 8, labels, annotations), cluster.pod("kq-1", 8, labels, annotations));

    assertBoundAsGang(pods, "kq-train");
  }

  @Test
  @DisplayName("a pod naming a PodGroup that does not exist: rejected everywhere, a GangSizeUnknown event, no guess")
  void missingPodGroupIsReportedNotGuessed() {
    extender = GangExtender.synced(client, 4);
    Pod pod = cluster.pod("lost-0", 8, Map.of("scheduling.x-k8s.io/pod-group", "nowhere"), Map.of());

    Outcome o = GangExtender.join(extender.scheduleAll(List.of(pod), cluster.nodes())).get(0);

    assertThat(o).isInstanceOf(Outcome.Unschedulable.class);
    assertThat(((Outcome.Unschedulable) o).unresolvable()).containsOnlyKeys(cluster.nodes())
        .allSatisfy((node, why) -> assertThat(why).contains("PodGroup default/nowhere", "topogpu.io/gang-size"));
    MockApi.await(() -> cluster.eventReasons("lost-0").contains(GangEvents.SIZE_UNKNOWN), "GangSizeUnknown event");
    assertThat(cluster.boundNode("lost-0")).isEmpty();
  }

  private void assertBoundAsGang(List<Pod> pods, String gang) {
    assertThat(GangExtender.join(extender.scheduleAll(pods, cluster.nodes())))
        .allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Bound.class));
    cluster.awaitBound(pods);
    for (Pod p : pods) {
      GangPlan plan = cluster.annotation(p.getMetadata().getName()).orElseThrow().gang().orElseThrow();
      assertThat(plan.name()).isEqualTo(gang);
      assertThat(plan.size()).isEqualTo(2);
      assertThat(plan.plan()).containsOnlyKeys(pods.stream().map(x -> x.getMetadata().getName()).toList());
    }
    String first = pods.get(0).getMetadata().getName();
    MockApi.await(() -> cluster.eventReasons(first).contains(GangEvents.PLANNED), "GangPlanned event on " + first);
  }

  private void podGroup(ResourceDefinitionContext crd, String apiVersion, String name, int minMember) {
    GenericKubernetesResource group = new GenericKubernetesResourceBuilder()
        .withApiVersion(apiVersion).withKind("PodGroup")
        .withNewMetadata().withName(name).withNamespace(GangCluster.NS).endMetadata()
        .addToAdditionalProperties("spec", Map.of("minMember", minMember))
        .build();
    client.genericKubernetesResources(crd).inNamespace(GangCluster.NS).resource(group).create();
  }
}
