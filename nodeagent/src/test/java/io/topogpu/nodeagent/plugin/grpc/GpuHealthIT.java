package io.topogpu.nodeagent.plugin.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topogpu.nodeagent.agent.AgentHealth;
import io.topogpu.nodeagent.agent.AgentMetrics;
import io.topogpu.nodeagent.agent.NodeAgent;
import io.topogpu.nodeagent.agent.ProbeCycle;
import io.topogpu.nodeagent.discovery.NvmlDiscovery;
import io.topogpu.nodeagent.discovery.Probe;
import io.topogpu.nodeagent.health.CriticalXids;
import io.topogpu.nodeagent.health.HealthTracker;
import io.topogpu.nodeagent.health.XidWatcher;
import io.topogpu.nodeagent.nvml.FakeMachines;
import io.topogpu.nodeagent.nvml.JnaNvml;
import io.topogpu.nodeagent.plugin.AllocationCore;
import io.topogpu.nodeagent.plugin.AllocationListener;
import io.topogpu.nodeagent.plugin.DeviceIds;
import io.topogpu.nodeagent.plugin.GrantSettings;
import io.topogpu.nodeagent.plugin.Inventory;
import io.topogpu.nodeagent.plugin.KubeletAllocations;
import io.topogpu.nodeagent.publish.Backoff;
import io.topogpu.nodeagent.publish.InMemoryNodeAnnotations;
import io.topogpu.nodeagent.publish.Publisher;
import io.topogpu.nodeagent.publish.RetryPolicy;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkMatrix;
import io.topogpu.topology.model.NodeTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPU health end to end inside the agent: the fake NVML library (DGX A100) is told through its
 * health file that a GPU raised an XID, was lost or lost its NVLinks; the agent's probe cycle, XID
 * watcher and device plugin then send the fake kubelet Unhealthy for that GPU and its gpu-milli units
 * (Healthy for the others) and mark it in {@code topogpu.io/topology}, and report recovery.
 */
class GpuHealthIT {
  @TempDir
  Path dir;

  private Path library;
  private Path healthFile;
  private final InMemoryNodeAnnotations node = new InMemoryNodeAnnotations();
  private FakeKubelet kubelet;
  private DevicePluginServer plugin;
  private NodeAgent agent;
  private XidWatcher watcher;
  private NodeTopology healthy;

  @BeforeEach
  void start() throws Exception {
    library = FakeMachines.library();
    healthFile = dir.resolve("health");
    Files.writeString(healthFile, "");
    FakeMachines.health(library, healthFile);
    JnaNvml nvml = FakeMachines.serving(library, FakeMachines.machine("dgx-a100"));
    healthy = NvmlDiscovery.probe(nvml).topology();
    HealthTracker tracker = new HealthTracker(CriticalXids.DEFAULT, Duration.ofSeconds(1), Clock.systemUTC());
    DeviceFeed feed = new DeviceFeed(new Inventory(new NodeTopology(List.of(), LinkMatrix.of(new Link[0][0]), List.of(), null)));
    Supplier<Probe> prober = () -> {
      Probe p = tracker.apply(NvmlDiscovery.probe(nvml)).probe();
      feed.update(new Inventory(p.topology()));
      return p;
    };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AgentHealth health = new AgentHealth();
    Publisher publisher = new Publisher(node, new RetryPolicy(1, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)),
        e -> false, d -> {}, () -> 0), Clock.systemUTC());
    agent = new NodeAgent(new ProbeCycle(prober, publisher, health, new AgentMetrics(registry, health)),
        Duration.ofMillis(200));
    agent.start();
    watcher = new XidWatcher(new JnaNvml(library.toString()), tracker, agent::probeNow, Duration.ofMillis(100), registry);
    watcher.start();
    kubelet = new FakeKubelet(dir, dir.resolve("pod-resources.sock"));
    AllocationCore core = new AllocationCore(feed::inventory, List::of, () -> KubeletAllocations.NONE,
        AllocationListener.NONE, GrantSettings.ENV_ONLY);
    plugin = new DevicePluginServer(dir, core, feed, Duration.ofMillis(100));
    plugin.start();
    Await.until(() -> kubelet.registrations().size() >= 2, "both resources registered");
  }

  @AfterEach
  void stop() throws Exception {
    plugin.close();
    kubelet.close();
    watcher.close();
    agent.close();
    FakeMachines.health(library, null);
  }

  private String uuid(int g) {
    return healthy.gpu(g).uuid();
  }

  private void append(String line) throws Exception {
    Files.writeString(healthFile, line + "\n", StandardOpenOption.APPEND);
  }

  /** The GPU's health in the published annotation: "ok" or its reason. */
  private String annotated(int g) {
    String v = node.annotations().get(Keys.TOPOLOGY);
    if (v == null) {
      return "none";
    }
    Gpu gpu = TopologyCodec.decode(v).gpu(g);
    return gpu.healthy() ? "ok" : gpu.healthReason();
  }

  /** The devices the latest list marks Unhealthy. */
  private static List<String> unhealthy(List<Map<String, String>> lists) {
    if (lists.isEmpty()) {
      return List.of("no list yet");
    }
    return lists.get(lists.size() - 1).entrySet().stream().filter(e -> !e.getValue().equals("Healthy"))
        .map(Map.Entry::getKey).sorted().toList();
  }

  @Test
  void aCriticalXidIsSentUnhealthyAndAnnotatedThenHealthyAgainAfterTheQuietPeriod() throws Exception {
    List<Map<String, String>> gpus = kubelet.watch(Keys.RESOURCE_GPU);
    List<Map<String, String>> units = kubelet.watch(Keys.RESOURCE_GPU_MILLI);
    Await.until(() -> unhealthy(gpus).isEmpty() && gpus.get(0).size() == 8, "eight healthy GPUs listed");
    append("xid 3 13"); // an application fault: nothing happens
    append("xid 3 79");
    Await.until(() -> unhealthy(gpus).equals(List.of(uuid(3))), "GPU 3 sent Unhealthy");
    // The feed is told before the annotation is written: the annotation follows within the cycle.
    Await.until(() -> annotated(3).equals("xid-79"), "GPU 3 annotated xid-79");
    assertThat(annotated(2)).isEqualTo("ok");
    Await.until(() -> unhealthy(units).size() == DeviceIds.UNITS_PER_GPU
        && unhealthy(units).stream().allMatch(id -> id.startsWith(uuid(3) + "::")), "GPU 3's units sent Unhealthy");
    // No new XID for the recovery time (1 s): the next probe reads the GPU and it is healthy again.
    Await.until(() -> unhealthy(gpus).isEmpty() && annotated(3).equals("ok"), "GPU 3 sent Healthy again");
    Await.until(() -> unhealthy(units).isEmpty(), "GPU 3's units sent Healthy again");
  }

  @Test
  void aLostGpuIsSentUnhealthyUnderItsUuidUntilItAnswersAgain() throws Exception {
    List<Map<String, String>> gpus = kubelet.watch(Keys.RESOURCE_GPU);
    Await.until(() -> unhealthy(gpus).isEmpty() && gpus.get(0).size() == 8, "eight healthy GPUs listed");
    Files.writeString(healthFile, "lost 5\n");
    Await.until(() -> unhealthy(gpus).equals(List.of(uuid(5))), "GPU 5 sent Unhealthy");
    assertThat(gpus.get(gpus.size() - 1)).hasSize(8);
    Await.until(() -> annotated(5).equals("gpu-lost"), "GPU 5 annotated gpu-lost");
    assertThat(TopologyCodec.decode(node.annotations().get(Keys.TOPOLOGY)).gpu(5).uuid()).isEqualTo(uuid(5));
    Files.writeString(healthFile, "");
    Await.until(() -> unhealthy(gpus).isEmpty() && annotated(5).equals("ok"), "GPU 5 sent Healthy again");
  }

  @Test
  void nvlinksGoingDownMarkTheGpuUntilTheyAreUpAgain() throws Exception {
    List<Map<String, String>> gpus = kubelet.watch(Keys.RESOURCE_GPU);
    Await.until(() -> unhealthy(gpus).isEmpty() && gpus.get(0).size() == 8, "eight healthy GPUs listed");
    Files.writeString(healthFile, "nvlink-down 6\n");
    Await.until(() -> unhealthy(gpus).equals(List.of(uuid(6))), "GPU 6 sent Unhealthy");
    Await.until(() -> annotated(6).equals("nvlink-down"), "GPU 6 annotated nvlink-down");
    Files.writeString(healthFile, "");
    Await.until(() -> unhealthy(gpus).isEmpty() && annotated(6).equals("ok"), "GPU 6 sent Healthy again");
  }
}
