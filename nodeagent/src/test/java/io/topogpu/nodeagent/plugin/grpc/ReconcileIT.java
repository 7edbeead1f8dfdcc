package io.topogpu.nodeagent.plugin.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.topogpu.nodeagent.discovery.NvmlDiscovery;
import io.topogpu.nodeagent.nvml.FakeMachines;
import io.topogpu.nodeagent.plugin.DeviceIds;
import io.topogpu.nodeagent.plugin.Inventory;
import io.topogpu.nodeagent.plugin.Reconciler;
import io.topogpu.topology.Keys;
import io.topogpu.topology.model.NodeTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconciliation: the fake kubelet's PodResources reports devices that differ from the scheduler's
 * choice; the agent writes what the pods really hold as {@code topogpu.io/allocated} into the fabric8
 * mock API server (CRUD mode), only when the value changes, and only on its own node's pods.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ReconcileIT {
  KubernetesClient client;

  @TempDir
  Path dir;

  private NodeTopology topology;
  private FakeKubelet kubelet;
  private EventLoopGroup group;
  private PodResourcesClient podResources;
  private Reconciler reconciler;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() throws Exception {
    topology = NvmlDiscovery.probe(FakeMachines.serving(FakeMachines.library(), FakeMachines.machine("dgx-a100"))).topology();
    kubelet = new FakeKubelet(dir, dir.resolve("pod-resources.sock"));
    group = UnixSockets.newGroup(1);
    podResources = new PodResourcesClient(kubelet.podResourcesSocket(), group,
        r -> r.equals(Keys.RESOURCE_GPU) || DeviceIds.isShare(r) || DeviceIds.isMig(r));
    Inventory inventory = new Inventory(topology);
    reconciler = new Reconciler(client, "dgx", () -> client.pods().inAnyNamespace().list().getItems(), podResources,
        () -> inventory, registry, Duration.ofMillis(50));
  }

  @AfterEach
  void stop() throws Exception {
    reconciler.close();
    podResources.close();
    kubelet.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private String uuid(int g) {
    return topology.gpu(g).uuid();
  }

  private void pod(String name, String node, String chosen) {
    client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withUid("uid-" + name).addToAnnotations(Keys.GPUS, chosen).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("main").withImage("busybox").endContainer().endSpec()
        .build()).create();
  }

  private String allocated(String name) {
    Pod p = client.pods().inNamespace("default").withName(name).get();
    return p.getMetadata().getAnnotations().get(Keys.ALLOCATED);
  }

  @Test
  void aChosenMismatchIsPublishedAsWhatThePodReallyHoldsOnceAndOnlyOnItsNode() {
    pod("a", "dgx", "{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":0,\"uuid\":\"" + uuid(0) + "\"}]}");
    pod("other", "dgx-2", "{\"v\":1,\"node\":\"dgx-2\",\"gpus\":[{\"index\":0}]}");
    // The kubelet gave pod a GPUs 6 and 1 (two containers) instead of its chosen GPU 0.
    kubelet.allocated.put("default/a", Map.of("main", Map.of(Keys.RESOURCE_GPU, List.of(uuid(6))),
        "side", Map.of(Keys.RESOURCE_GPU, List.of(uuid(1)))));
    kubelet.allocated.put("default/other", Map.of("main", Map.of(Keys.RESOURCE_GPU, List.of(uuid(2)))));

    assertThat(reconciler.run()).isEqualTo(1);
    assertThat(allocated("a")).isEqualTo("{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":1,\"uuid\":\"" + uuid(1)
        + "\"},{\"index\":6,\"uuid\":\"" + uuid(6) + "\"}]}");
    assertThat(client.pods().inNamespace("default").withName("other").get().getMetadata().getAnnotations())
        .doesNotContainKey(Keys.ALLOCATED);
    // The chosen annotation is left as the scheduler wrote it.
    assertThat(client.pods().inNamespace("default").withName("a").get().getMetadata().getAnnotations().get(Keys.GPUS))
        .contains("\"index\":0");

    // Nothing changed: nothing written.
    assertThat(reconciler.run()).isZero();
    assertThat(registry.get(Reconciler.METRIC).tag("outcome", "written").counter().count()).isEqualTo(1);
  }

  @Test
  void aShareIsPublishedAsItsGpuAndUnitCount() {
    pod("s", "dgx", "{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":5}],\"milli\":300}");
    List<String> units = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      units.add(DeviceIds.unit(uuid(5), k));
    }
    kubelet.allocated.put("default/s", Map.of("main", Map.of(Keys.RESOURCE_GPU_MILLI, units)));
    assertThat(reconciler.run()).isEqualTo(1);
    assertThat(allocated("s")).isEqualTo("{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":5,\"uuid\":\"" + uuid(5)
        + "\"}],\"milli\":300}");
  }

  @Test
  void anAllocateTriggersARunSoonAfter() throws Exception {
    pod("b", "dgx", "{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":3}]}");
    kubelet.allocated.put("default/b", Map.of("main", Map.of(Keys.RESOURCE_GPU, List.of(uuid(3)))));
    reconciler.soon();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (allocated("b") == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(allocated("b")).isEqualTo("{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":3,\"uuid\":\"" + uuid(3) + "\"}]}");
  }
}
