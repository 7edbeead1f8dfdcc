package io.topogpu.nodeagent.plugin.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.topogpu.nodeagent.discovery.NvmlDiscovery;
import io.topogpu.nodeagent.nvml.FakeMachines;
import io.topogpu.nodeagent.plugin.AllocationCore;
import io.topogpu.nodeagent.plugin.AllocationListener;
import io.topogpu.nodeagent.plugin.GrantSettings;
import io.topogpu.nodeagent.plugin.Inventory;
import io.topogpu.nodeagent.plugin.PendingPod;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.BoundGpus;
import io.topogpu.topology.model.NodeTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin over real gRPC on Unix sockets against {@link FakeKubelet}, with the devices of the fake
 * NVML library's DGX A100 (8 GPUs on NVSwitch).
 */
class DevicePluginIT {
  @TempDir
  Path dir;

  private NodeTopology topology;
  private final List<PendingPod> pods = new CopyOnWriteArrayList<>();
  private final List<String> outcomes = new CopyOnWriteArrayList<>();
  private FakeKubelet kubelet;
  private DevicePluginServer plugin;
  private EventLoopGroup group;
  private PodResourcesClient podResources;

  @BeforeEach
  void start() throws Exception {
    topology = NvmlDiscovery.probe(FakeMachines.serving(FakeMachines.library(), FakeMachines.machine("dgx-a100"))).topology();
    kubelet = new FakeKubelet(dir, dir.resolve("pod-resources.sock"));
    group = UnixSockets.newGroup(1);
    podResources = new PodResourcesClient(kubelet.podResourcesSocket(), group,
        r -> r.equals(Keys.RESOURCE_GPU) || r.equals(Keys.RESOURCE_GPU_MILLI));
    AllocationListener listener = (call, resource, outcome, pod, chosen, given) ->
        outcomes.add(call + " " + outcome + " " + (pod == null ? "-" : pod.name()));
    DeviceFeed feed = new DeviceFeed(new Inventory(topology));
    AllocationCore core = new AllocationCore(feed::inventory, () -> List.copyOf(pods), podResources, listener,
        GrantSettings.ENV_ONLY);
    plugin = new DevicePluginServer(dir, core, feed, Duration.ofMillis(100));
    plugin.start();
    Await.until(() -> kubelet.registrations().size() >= 2, "both resources registered");
  }

  @AfterEach
  void stop() throws Exception {
    plugin.close();
    podResources.close();
    kubelet.close();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  private String uuid(int g) {
    return topology.gpu(g).uuid();
  }

  private PendingPod pod(String name, int second, int... gpus) {
    List<BoundGpus.Gpu> chosen = new ArrayList<>();
    for (int g : gpus) {
      chosen.add(new BoundGpus.Gpu(g, uuid(g)));
    }
    return new PendingPod("default", name, "uid-" + name, Instant.ofEpochSecond(second),
        Map.of(Keys.RESOURCE_GPU, List.of(new PendingPod.Ask("main", gpus.length))),
        new BoundGpus("dgx", chosen, 0, List.of(), Optional.empty()));
  }

  @Test
  void registersEachResourceWithTheKubeletUnderV1beta1() {
    assertThat(kubelet.registrations()).extracting(r -> r.getResourceName() + " " + r.getEndpoint() + " " + r.getVersion()
        + " " + r.getOptions().getGetPreferredAllocationAvailable())
        .containsExactlyInAnyOrder(
            "nvidia.com/gpu topogpu-nvidia.com_gpu.sock v1beta1 true",
            "topogpu.io/gpu-milli topogpu-topogpu.io_gpu-milli.sock v1beta1 true");
  }

  @Test
  void theContainerGetsExactlyTheGpusTheSchedulerChose() {
    pods.add(pod("a", 1, 3, 6));
    FakeKubelet.Admission a = kubelet.admit("default/a", "main", Keys.RESOURCE_GPU, 2);
    assertThat(a.ids()).containsExactly(uuid(3), uuid(6));
    assertThat(a.envs()).containsEntry("NVIDIA_VISIBLE_DEVICES", uuid(3) + "," + uuid(6));
    assertThat(kubelet.preferredCalls).hasValue(1);
    assertThat(outcomes).containsExactly("preferred honoured a", "allocate honoured a");
  }

  @Test
  void twoSameSizePodsAdmittedBackToBackEachGetTheirOwnSet() {
    pods.add(pod("b", 2, 1, 7));
    pods.add(pod("a", 1, 2, 5));
    assertThat(kubelet.admit("default/a", "main", Keys.RESOURCE_GPU, 2).ids()).containsExactly(uuid(2), uuid(5));
    assertThat(kubelet.admit("default/b", "main", Keys.RESOURCE_GPU, 2).ids()).containsExactly(uuid(1), uuid(7));
  }

  @Test
  void aKubeletRestartDeletesTheSocketsAndThePluginRegistersAgain() throws Exception {
    int before = kubelet.registrations().size();
    kubelet.restart();
    Await.until(() -> kubelet.registrations().size() >= before + 2, "re-registration after the restart");
    pods.add(pod("a", 1, 4));
    assertThat(kubelet.admit("default/a", "main", Keys.RESOURCE_GPU, 1).ids()).containsExactly(uuid(4));
  }

  @Test
  void aPodThePodResourcesApiReportsHoldingOtherGpusIsNotMatchedAgain() {
    pods.add(pod("a", 1, 0));
    pods.add(pod("b", 2, 6));
    // The kubelet gave a GPU 1 instead of its chosen GPU 0 (say, before this agent ran).
    kubelet.allocated.put("default/a", Map.of("main", Map.of(Keys.RESOURCE_GPU, List.of(uuid(1)))));
    assertThat(kubelet.admit("default/b", "main", Keys.RESOURCE_GPU, 1).ids()).containsExactly(uuid(6));
    assertThat(outcomes).containsExactly("preferred honoured b", "allocate honoured b");
  }

  @Test
  void aShareGetsUnitsOfItsChosenGpuAndItsLimits() {
    pods.add(new PendingPod("default", "s", "uid-s", Instant.ofEpochSecond(1),
        Map.of(Keys.RESOURCE_GPU_MILLI, List.of(new PendingPod.Ask("main", 300))),
        new BoundGpus("dgx", List.of(new BoundGpus.Gpu(5, uuid(5))), 300, List.of(), Optional.empty())));
    FakeKubelet.Admission a = kubelet.admit("default/s", "main", Keys.RESOURCE_GPU_MILLI, 300);
    assertThat(a.ids()).hasSize(300).allMatch(id -> id.startsWith(uuid(5) + "::"));
    // A100-SXM4-40GB: 40960 MiB x 300 / 1000 = 12288 MiB.
    assertThat(a.envs()).containsEntry("NVIDIA_VISIBLE_DEVICES", uuid(5)).containsEntry("TOPOGPU_GPU_MILLI", "300")
        .containsEntry("TOPOGPU_GPU_MEMORY_LIMIT_MIB", "12288").containsEntry("CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", "30");
  }
}
