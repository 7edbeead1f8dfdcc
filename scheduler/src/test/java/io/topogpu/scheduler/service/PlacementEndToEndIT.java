package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.demo.DemoCluster;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.topology.Keys;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * End to end against the fabric8 mock API server: pods created through the API, scheduled by the
 * kube-scheduler driver over HTTP, bound by the extender through the API. Each case states where
 * the pods must land, worked out by hand from the node's {@code nvidia-smi topo -m} capture and the
 * GPU-set objective (docs/placement.md): best bottleneck bandwidth, then total, then fewest NUMA
 * nodes, then the largest intact NVLink/NUMA block left, then the lowest indices.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class PlacementEndToEndIT {
  static final NodeTopology DGX = Shapes.load("dgx-a100-8gpu-nv12");
  static final NodeTopology L40S = Shapes.load("l40s-8gpu-pcie-node-sys");
  static final NodeTopology AZURE = Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs");

  KubernetesMockServer server;
  KubernetesClient client;
  MockApi api;
  LiveExtender extender;

  @BeforeEach
  void mockApi() {
    api = new MockApi(server, client);
  }

  @AfterEach
  void stop() {
    if (extender != null) {
      extender.close();
    }
  }

  private Assignment placed(Pod pod, List<String> nodes, String expectedNode) {
    Outcome outcome = extender.schedule(pod, nodes);
    assertThat(outcome).isInstanceOf(Outcome.Bound.class);
    assertThat(((Outcome.Bound) outcome).node()).isEqualTo(expectedNode);
    String name = pod.getMetadata().getName();
    api.awaitBound(name);
    assertThat(api.boundNode(name)).contains(expectedNode);
    Assignment annotated = api.annotation(name).orElseThrow();
    assertThat(annotated.node()).isEqualTo(expectedNode);
    return annotated;
  }

  @Test
  @DisplayName("DGX A100 (NV12 through NVSwitch, GPUs in NUMA pairs 0-1, 2-3, 4-5, 6-7): 1 → GPU 0, "
      + "2 → the intact pair 2,3, 4 → the two intact pairs 4-7, 8 → unschedulable, preemption may help")
  void dgxA100() {
    api.node("dgx", DGX);
    extender = LiveExtender.synced(client, 1);
    List<String> nodes = List.of("dgx");

    assertThat(placed(api.gpus("one", 1), nodes, "dgx").gpus()).containsExactly(0);
    assertThat(placed(api.gpus("two", 2), nodes, "dgx").gpus()).containsExactly(2, 3);
    assertThat(placed(api.gpus("four", 4), nodes, "dgx").gpus()).containsExactly(4, 5, 6, 7);

    Outcome eight = extender.schedule(api.gpus("eight", 8), nodes);
    assertThat(eight).isInstanceOf(Outcome.Unschedulable.class);
    assertThat(((Outcome.Unschedulable) eight).failed()).containsEntry("dgx", "have fewer than 8 free GPUs");
    assertThat(api.boundNode("eight")).isEmpty();
  }

  @Test
  @DisplayName("8×L40S (NODE within a socket, SYS across): 2 → 0,1; 4 → the untouched socket 4-7; "
      + "2 → the rest of socket 0")
  void l40s() {
    api.node("l40s", L40S);
    extender = LiveExtender.synced(client, 1);
    List<String> nodes = List.of("l40s");

    assertThat(placed(api.gpus("two", 2), nodes, "l40s").gpus()).containsExactly(0, 1);
    assertThat(placed(api.gpus("four", 4), nodes, "l40s").gpus()).containsExactly(4, 5, 6, 7);
    assertThat(placed(api.gpus("two-more", 2), nodes, "l40s").gpus()).containsExactly(2, 3);
  }

  @Test
  @DisplayName("Azure NC96ads (two NV12 pairs, SYS between): 1 → GPU 0, 2 → the intact pair 2,3, "
      + "1 → GPU 1")
  void azureNvlinkPairs() {
    api.node("azure", AZURE);
    extender = LiveExtender.synced(client, 1);
    List<String> nodes = List.of("azure");

    assertThat(placed(api.gpus("one", 1), nodes, "azure").gpus()).containsExactly(0);
    assertThat(placed(api.gpus("pair", 2), nodes, "azure").gpus()).containsExactly(2, 3);
    assertThat(placed(api.gpus("one-more", 1), nodes, "azure").gpus()).containsExactly(1);
  }

  @Test
  @DisplayName("MIG A100 (every GPU 2g.20gb@0, 1g.10gb@2, 1g.10gb@3, 3g.40gb@4): instances fill "
      + "GPU 0 first, then GPU 1")
  void migNode() {
    api.node("mig", DemoCluster.migA100());
    extender = LiveExtender.synced(client, 1);
    List<String> nodes = List.of("mig");

    assertThat(placed(api.mig("a", "1g.10gb"), nodes, "mig").mig())
        .extracting(MigSlot::gpu, MigSlot::start).containsExactly(org.assertj.core.groups.Tuple.tuple(0, 2));
    assertThat(placed(api.mig("b", "1g.10gb"), nodes, "mig").mig())
        .extracting(MigSlot::gpu, MigSlot::start).containsExactly(org.assertj.core.groups.Tuple.tuple(0, 3));
    assertThat(placed(api.mig("c", "3g.40gb"), nodes, "mig").mig())
        .extracting(MigSlot::gpu, MigSlot::start).containsExactly(org.assertj.core.groups.Tuple.tuple(0, 4));
    assertThat(placed(api.mig("d", "1g.10gb"), nodes, "mig").mig())
        .extracting(MigSlot::gpu, MigSlot::start).containsExactly(org.assertj.core.groups.Tuple.tuple(1, 2));
  }

  @Test
  @DisplayName("mixed cluster: 4 GPUs required in one NVLink domain fit only the DGX (bound without "
      + "prioritize); 8 GPUs can never fit the 4-GPU Azure node (unresolvable)")
  void mixedCluster() {
    api.node("azure", AZURE);
    api.node("dgx", DGX);
    api.node("l40s", L40S);
    extender = LiveExtender.synced(client, 1);
    List<String> nodes = List.of("azure", "dgx", "l40s");

    Pod nvlink = api.pod("nvlink-4", Keys.RESOURCE_GPU, 4, Map.of(Keys.PLACEMENT_REQUIRED, "nvlink"));
    assertThat(placed(nvlink, nodes, "dgx").gpus()).containsExactly(0, 1, 2, 3);
    Outcome.Bound bound = (Outcome.Bound) extender.schedule(api.gpus("eight", 8), nodes);
    assertThat(bound.node()).isEqualTo("l40s");
    assertThat(bound.totals()).containsOnlyKeys("l40s");

    Outcome another = extender.schedule(api.gpus("eight-again", 8), nodes);
    assertThat(another).isInstanceOf(Outcome.Unschedulable.class);
    Outcome.Unschedulable u = (Outcome.Unschedulable) another;
    assertThat(u.unresolvable()).containsEntry("azure", "have fewer than 8 usable GPUs");
    assertThat(u.failed()).containsOnlyKeys("dgx", "l40s");
  }

  @Test
  @DisplayName("kube-scheduler without the node cache (full Node objects on the wire) gets the same "
      + "placement")
  void fullNodeObjects() {
    api.node("dgx", DGX);
    extender = LiveExtender.synced(client, 1);
    Pod pod = api.gpus("two", 2);
    MockApi.await(() -> extender.state.pod("default/two").isPresent(), "pod in cache");
    List<Node> nodes = client.nodes().list().getItems();

    Outcome outcome = extender.driver.scheduleWithNodes(pod, nodes);

    assertThat(outcome).isEqualTo(new Outcome.Bound("dgx", Map.of("dgx", 0L)));
    api.awaitBound("two");
    assertThat(api.annotation("two").orElseThrow().gpus()).containsExactly(0, 1);
  }
}
