package io.topogpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.e2e.harness.KubeBinaries;
import io.topogpu.e2e.harness.KubeCluster;
import io.topogpu.e2e.harness.KubeletNode;
import io.topogpu.e2e.harness.ManagedProcess;
import io.topogpu.e2e.harness.Repo;
import io.topogpu.e2e.harness.Wait;
import io.topogpu.e2e.support.AdmissionRun;
import io.topogpu.e2e.support.Allocations;
import io.topogpu.e2e.support.RealKubernetes;
import io.topogpu.nodeagent.plugin.KubeletAllocations;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.topology.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The node agent as the real kubelet's device plugin: every container holds exactly the devices
 * topogpu chose. The real node {@code e2e-node} runs the agent with {@code --device-plugin}, NVML
 * being the fake library answering as a DGX A100 80GB with MIG on GPUs 0–2 (GPU 0 and 1
 * partitioned, GPU 2 in MIG mode with no instances) and GPUs 3–7 whole; the last case swaps in a
 * DGX A100 with eight whole GPUs for 8-GPU pods. kube-scheduler and the extender place the pods;
 * the kubelet's device manager calls the plugin; each container prints its environment
 * ({@link AdmissionRun} compares it, and PodResources, with {@code topogpu.io/gpus}). The cases run
 * in order on one cluster, each leaving the node empty.
 */
@TestMethodOrder(MethodOrderer.DisplayName.class)
class DevicePluginE2EIT {
  static final int STREAM = Integer.getInteger("topogpu.e2e.devicePluginPods", 200);
  static final int IN_FLIGHT = Integer.getInteger("topogpu.e2e.devicePluginInFlight", 4);
  /** Whole GPU 5 of the MIG machine: the one turned unhealthy. */
  static final int SICK_GPU = 5;
  static final int XID_RECOVERY_SECONDS = 90;
  static KubeBinaries bin;
  static KubeCluster cluster;
  static KubeletNode node;
  static ManagedProcess agent;
  static List<String> agentArgs;
  static Path fakeNvml;
  static Path machine;
  static Path health;

  @BeforeAll
  static void cluster() throws IOException {
    bin = RealKubernetes.binariesOrSkip();
    fakeNvml = Path.of(System.getProperty("topogpu.fakeNvmlDir", "nodeagent/target/native"), "libnvidia-ml.so.1");
    Assumptions.assumeTrue(Files.isRegularFile(fakeNvml), "the fake NVML library was not built (no gcc): " + fakeNvml);
    machine = Repo.path("nodeagent/src/test/resources/machines/a100-80gb-mig.machine");
    cluster = KubeCluster.start(bin, "device-plugin");
    health = cluster.dir().resolve("nvml-health");
    Files.writeString(health, "");
    node = cluster.startKubeletNode(bin);
    agentArgs = List.of("--device-plugin", "--device-plugin-dir", KubeletNode.DEVICE_PLUGINS.toString(),
        "--pod-resources-socket", node.podResourcesSocket().toString(),
        "--xid-recovery-seconds", Integer.toString(XID_RECOVERY_SECONDS));
    agent = startAgent(machine);
    awaitAllocatable(Map.of(Keys.RESOURCE_GPU, "5", "nvidia.com/mig-1g.10gb", "4"));
    cluster.startExtender();
    cluster.startKubeScheduler(bin);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static ManagedProcess startAgent(Path machineFile) {
    return cluster.startAgent(KubeletNode.NAME, fakeNvml, machineFile, agentArgs,
        Map.of("FAKE_NVML_HEALTH", health.toString()));
  }

  @Test
  @DisplayName("1 a stream of 1, 2 and 4-GPU pods, MIG instances, shares and gang members, several admissions at once: "
      + "every container holds what topogpu.io/gpus says")
  void everyContainerHoldsTheChosenDevices() {
    long honouredBefore = decisions("outcome=honoured");
    Map<String, Integer> kinds = new LinkedHashMap<>();
    Random random = new Random(42);
    try (AdmissionRun run = new AdmissionRun(cluster, node)) {
      int created = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
      while (run.ended() < STREAM) {
        assertThat(System.nanoTime()).as("stream finished in time (%d of %d ended)", run.ended(), STREAM)
            .isLessThan(deadline);
        while (created < STREAM && run.inFlight() < IN_FLIGHT) {
          List<Pod> pods = next(created, random, kinds);
          run.create(pods);
          created += pods.size();
        }
        run.poll();
        assertThat(Allocations.read(cluster.admin()).conflicts()).isEmpty();
        Wait.sleep(200);
      }
      assertThat(run.mismatches).as("pods by kind %s", kinds).isEmpty();
      assertThat(run.succeeded).hasSizeGreaterThanOrEqualTo(STREAM);
      // A container lives about three seconds: most, not all, are caught running by PodResources.
      assertThat(run.listedInPodResources.size()).as("pods seen in PodResources").isGreaterThan(STREAM / 3);
    }
    assertThat(kinds.keySet()).contains("gpu-1", "gpu-2", "gpu-4", "mig-1g.10gb", "mig-2g.20gb", "mig-3g.40gb",
        "share", "gang-member");
    // Every request the kubelet made was matched to its pod and answered with the pod's choice.
    assertThat(decisions("outcome=honoured") - honouredBefore).isGreaterThanOrEqualTo(STREAM);
    assertThat(decisionLines()).noneMatch(l -> l.contains("outcome=unmatched") || l.contains("outcome=fallback")
        || l.contains("outcome=mismatch"));
    assertNoDevicesNotAsScheduledEvents();
    assertThat(cluster.extenderMetrics()).contains("topogpu_allocation_mismatches 0.0");
  }

  /** The next pods of the stream: mostly singles of every kind; now and then a gang of 2 × 1 GPU. */
  static List<Pod> next(int i, Random random, Map<String, Integer> kinds) {
    int k = random.nextInt(10);
    String name = "p" + i;
    List<Pod> out = new ArrayList<>();
    switch (k) {
      case 0, 1 -> out.add(pod(name, Keys.RESOURCE_GPU, 1, Map.of(), kinds, "gpu-1"));
      case 2 -> out.add(pod(name, Keys.RESOURCE_GPU, 2, Map.of(), kinds, "gpu-2"));
      case 3 -> out.add(pod(name, Keys.RESOURCE_GPU, 4, Map.of(), kinds, "gpu-4"));
      case 4 -> out.add(pod(name, "nvidia.com/mig-1g.10gb", 1, Map.of(), kinds, "mig-1g.10gb"));
      case 5 -> out.add(pod(name, "nvidia.com/mig-2g.20gb", 1, Map.of(), kinds, "mig-2g.20gb"));
      case 6 -> out.add(pod(name, "nvidia.com/mig-3g.40gb", 1, Map.of(), kinds, "mig-3g.40gb"));
      case 7, 8 -> out.add(pod(name, Keys.RESOURCE_GPU_MILLI, 250 * (1 + random.nextInt(3)), Map.of(), kinds, "share"));
      default -> {
        Map<String, String> gang = Map.of(Keys.GANG, "g" + i, Keys.GANG_SIZE, "2");
        out.add(pod(name + "-0", Keys.RESOURCE_GPU, 1, gang, kinds, "gang-member"));
        out.add(pod(name + "-1", Keys.RESOURCE_GPU, 1, gang, kinds, "gang-member"));
      }
    }
    return out;
  }

  @Test
  @DisplayName("2 kill -9 of the agent between bind and admission: no container holds other devices than chosen")
  void agentKilledBetweenBindAndAdmission() {
    try (AdmissionRun run = new AdmissionRun(cluster, node)) {
      // Running when the agent dies, still running when the new one starts.
      List<Pod> before = List.of(pod("k-a0", Keys.RESOURCE_GPU, 2, 20), pod("k-a1", "nvidia.com/mig-1g.10gb", 1, 20),
          pod("k-a2", Keys.RESOURCE_GPU_MILLI, 500, 20));
      run.create(before);
      awaitUntil(Duration.ofSeconds(90), "the first pods listed by PodResources", () -> {
        run.poll();
        return run.listedInPodResources.size() == before.size();
      });
      // Created as the agent dies: bound while the node still advertises the devices (its status
      // lags the kubelet by up to 10 s), admitted by a kubelet that has no plugin for them.
      List<Pod> straddling = List.of(pod("k-b0", Keys.RESOURCE_GPU, 1, 3), pod("k-b1", Keys.RESOURCE_GPU_MILLI, 250, 3),
          pod("k-b2", "nvidia.com/mig-2g.20gb", 1, 3));
      agent.kill();
      run.tolerateAdmissionRefusals(straddling);
      run.create(straddling);
      // The kubelet marks a resource's devices unhealthy when its plugin's ListAndWatch stream ends;
      // the node shows it once its status is next written. A straddling pod not bound by then stays
      // pending and is placed once the new agent's devices are back.
      awaitAllocatable(Map.of(Keys.RESOURCE_GPU, "0", "nvidia.com/mig-1g.10gb", "0", Keys.RESOURCE_GPU_MILLI, "0"));
      agent = startAgent(machine);
      awaitAllocatable(Map.of(Keys.RESOURCE_GPU, "5", "nvidia.com/mig-1g.10gb", "4", Keys.RESOURCE_GPU_MILLI, "5000"));
      List<Pod> after = List.of(pod("k-c0", Keys.RESOURCE_GPU, 1, 3), pod("k-c1", "nvidia.com/mig-1g.10gb", 1, 3),
          pod("k-c2", Keys.RESOURCE_GPU, 2, 3), pod("k-c3", Keys.RESOURCE_GPU_MILLI, 250, 3));
      run.create(after);
      // The restarted agent publishes what the kubelet holds for the pods that outlived the old one.
      awaitUntil(Duration.ofSeconds(60), "topogpu.io/allocated on the pods that outlived the agent", () ->
          before.stream().allMatch(p -> allocatedMatchesChosen(cluster.pod("default", p.getMetadata().getName()))));
      run.drain(Duration.ofMinutes(3));

      assertThat(run.mismatches).isEmpty();
      Set<String> mustSucceed = new TreeSet<>();
      before.forEach(p -> mustSucceed.add(p.getMetadata().getName()));
      after.forEach(p -> mustSucceed.add(p.getMetadata().getName()));
      assertThat(run.succeeded).containsAll(mustSucceed);
      // The kubelet refuses a pod it admits while no plugin serves (its UnexpectedAdmissionError, the
      // pod's controller makes a new one); a refused pod never runs and its GPUs are free again.
      assertThat(run.succeeded.size() + run.refusedAtAdmission.size()).isEqualTo(10);
      List<Pod> retried = run.refusedAtAdmission.stream()
          .map(n -> straddling.stream().filter(p -> p.getMetadata().getName().equals(n)).findFirst().orElseThrow())
          .map(p -> pod(p.getMetadata().getName() + "-retry", resourceOf(p), amountOf(p), 3)).toList();
      run.create(retried);
      run.drain(Duration.ofMinutes(2));
      assertThat(run.mismatches).isEmpty();
      retried.forEach(p -> assertThat(run.succeeded).contains(p.getMetadata().getName()));
    }
    assertThat(decisionLines()).noneMatch(l -> l.contains("outcome=fallback") || l.contains("outcome=mismatch"));
    assertThat(cluster.extenderMetrics()).contains("topogpu_allocation_mismatches 0.0");
  }

  @Test
  @DisplayName("3 a kubelet restart: running pods keep their devices, the agent registers again, new pods get what was chosen")
  void kubeletRestart() {
    try (AdmissionRun run = new AdmissionRun(cluster, node)) {
      List<Pod> running = List.of(pod("r-a0", Keys.RESOURCE_GPU, 2, 25), pod("r-a1", "nvidia.com/mig-3g.40gb", 1, 25),
          pod("r-a2", Keys.RESOURCE_GPU_MILLI, 750, 25));
      run.create(running);
      awaitUntil(Duration.ofSeconds(90), "the pods listed by PodResources", () -> {
        run.poll();
        return run.listedInPodResources.size() == running.size();
      });
      KubeletAllocations held = run.podResources();

      int registrations = registrations();
      node.restartKubelet();
      // The kubelet deletes the plugin sockets at start; the agent notices and registers again.
      awaitUntil(Duration.ofSeconds(90), "the agent registered with the new kubelet", () ->
          registrations() > registrations);
      awaitAllocatable(Map.of(Keys.RESOURCE_GPU, "5", "nvidia.com/mig-1g.10gb", "4"));
      awaitUntil(Duration.ofSeconds(60), "PodResources of the new kubelet", () -> {
        try {
          return !run.podResources().pods().isEmpty();
        } catch (RuntimeException e) {
          return false;
        }
      });
      KubeletAllocations restored = run.podResources();
      for (Pod p : running) {
        String key = "default/" + p.getMetadata().getName();
        assertThat(restored.pods().get(key)).as("%s after the restart", key).isEqualTo(held.pods().get(key));
      }
      List<Pod> after = List.of(pod("r-b0", Keys.RESOURCE_GPU, 1, 3), pod("r-b1", Keys.RESOURCE_GPU, 2, 3),
          pod("r-b2", "nvidia.com/mig-1g.10gb", 1, 3), pod("r-b3", Keys.RESOURCE_GPU_MILLI, 250, 3));
      run.create(after);
      run.drain(Duration.ofMinutes(3));
      assertThat(run.mismatches).isEmpty();
      assertThat(run.succeeded).hasSize(7);
    }
    assertThat(decisionLines()).noneMatch(l -> l.contains("outcome=fallback") || l.contains("outcome=mismatch"));
  }

  @Test
  @DisplayName("4 a GPU with a critical XID is reported unhealthy and gets no new pod until it recovers")
  void unhealthyGpuGetsNoPod() throws IOException {
    String sick = gpuUuid(SICK_GPU);
    Files.writeString(health, "xid " + SICK_GPU + " 79\n", StandardOpenOption.APPEND);
    awaitAllocatable(Map.of(Keys.RESOURCE_GPU, "4"));
    awaitUntil(Duration.ofSeconds(30), "the topology annotation marks GPU " + SICK_GPU + " unhealthy", () ->
        annotation(Keys.TOPOLOGY).contains("xid-79"));
    try (AdmissionRun run = new AdmissionRun(cluster, node)) {
      // Four healthy whole GPUs: one 4-GPU pod, then 1-GPU pods one after another.
      List<Pod> pods = new ArrayList<>();
      pods.add(pod("h-four", Keys.RESOURCE_GPU, 4, 3));
      for (int i = 0; i < 6; i++) {
        pods.add(pod("h-one-" + i, Keys.RESOURCE_GPU, 1, 3));
      }
      run.create(pods);
      run.drain(Duration.ofMinutes(3));
      assertThat(run.mismatches).isEmpty();
      assertThat(run.succeeded).hasSize(pods.size());
      assertThat(run.chosen).hasSize(pods.size())
          .allSatisfy((pod, a) -> assertThat(a.gpuUuids()).as(pod).doesNotContain(sick));
    }
    // Recovery is reported too: no further XID for the recovery time, and the GPU is offered again.
    awaitUntil(Duration.ofSeconds(XID_RECOVERY_SECONDS + 60), "GPU " + SICK_GPU + " offered again", () ->
        "5".equals(q(node.node(cluster.controlPlane()).getStatus().getAllocatable(), Keys.RESOURCE_GPU)));
    awaitUntil(Duration.ofSeconds(30), "the topology annotation without the XID", () ->
        !annotation(Keys.TOPOLOGY).contains("xid-79"));
  }

  @Test
  @DisplayName("5 on a node of eight whole GPUs, 8-GPU pods among 1, 2 and 4-GPU ones hold what was chosen")
  void eightGpuPods() throws IOException {
    agent.close();
    Files.writeString(health, "");
    agent = startAgent(Repo.path("nodeagent/src/test/resources/machines/dgx-a100.machine"));
    awaitAllocatable(Map.of(Keys.RESOURCE_GPU, "8"));
    awaitUntil(Duration.ofSeconds(60), "the topology annotation of eight whole GPUs", () ->
        annotation(Keys.TOPOLOGY).contains("GPU-a170b338"));
    Wait.sleep(2000); // the extender's informer delivers the annotation
    Map<String, Integer> kinds = new LinkedHashMap<>();
    try (AdmissionRun run = new AdmissionRun(cluster, node)) {
      int[] sizes = {8, 1, 2, 4, 8, 4, 2, 1, 8, 1, 1, 2, 4, 8, 2, 4};
      int created = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (run.ended() < sizes.length) {
        assertThat(System.nanoTime()).as("pods ended in time").isLessThan(deadline);
        while (created < sizes.length && run.inFlight() < 3) {
          int n = sizes[created];
          run.create(List.of(pod("e" + created, Keys.RESOURCE_GPU, n, Map.of(), kinds, "gpu-" + n)));
          created++;
        }
        run.poll();
        assertThat(Allocations.read(cluster.admin()).conflicts()).isEmpty();
        Wait.sleep(200);
      }
      assertThat(run.mismatches).isEmpty();
      assertThat(run.succeeded).hasSize(sizes.length);
    }
    assertThat(kinds).containsEntry("gpu-8", 4);
    assertNoDevicesNotAsScheduledEvents();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  static Pod pod(String name, String resource, long count, int seconds) {
    return pod(name, resource, count, Map.of(), new HashMap<>(), "", seconds);
  }

  static Pod pod(String name, String resource, long count, Map<String, String> annotations, Map<String, Integer> kinds,
      String kind) {
    return pod(name, resource, count, annotations, kinds, kind, 3);
  }

  static Pod pod(String name, String resource, long count, Map<String, String> annotations, Map<String, Integer> kinds,
      String kind, int seconds) {
    kinds.merge(kind, 1, Integer::sum);
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withAnnotations(annotations.isEmpty() ? null : new HashMap<>(annotations)).endMetadata()
        .withNewSpec().withSchedulerName("topogpu").withHostNetwork(true).withRestartPolicy("Never")
        .withTerminationGracePeriodSeconds(0L)
        .addNewContainer().withName("train").withImage(KubeletNode.IMAGE).withImagePullPolicy("Never")
        .withCommand("sh", "-c", "env; sleep " + seconds)
        .withNewResources().addToLimits(resource, new Quantity(Long.toString(count))).endResources()
        .endContainer().endSpec().build();
  }

  static String resourceOf(Pod p) {
    return p.getSpec().getContainers().get(0).getResources().getLimits().keySet().iterator().next();
  }

  static long amountOf(Pod p) {
    return Long.parseLong(p.getSpec().getContainers().get(0).getResources().getLimits().values().iterator().next()
        .getAmount());
  }

  static boolean allocatedMatchesChosen(Pod p) {
    Map<String, String> a = p.getMetadata().getAnnotations();
    if (a == null || a.get(Keys.ALLOCATED) == null || a.get(Keys.GPUS) == null) {
      return false;
    }
    Assignment chosen = Allocations.fromPod(p).orElseThrow();
    Assignment actual = io.topogpu.scheduler.ledger.GpusAnnotation.decode(a.get(Keys.ALLOCATED));
    return actual.sameDevices(chosen);
  }

  static String gpuUuid(int index) {
    try {
      return Files.readAllLines(machine).stream().filter(l -> l.startsWith("gpu " + index + " "))
          .map(l -> l.replaceAll(".*uuid=(\\S+).*", "$1")).findFirst().orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String annotation(String key) {
    Node n = node.node(cluster.controlPlane());
    Map<String, String> a = n.getMetadata().getAnnotations();
    return a == null ? "" : a.getOrDefault(key, "");
  }

  static String agentLog() {
    try {
      return Files.readString(agent.log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int registrations() {
    return (int) agentLog().lines().filter(l -> l.contains("registered with the kubelet: resource=nvidia.com/gpu ")).count();
  }

  static List<String> decisionLines() {
    return agentLog().lines().filter(l -> l.contains("device decision")).toList();
  }

  static long decisions(String containing) {
    return decisionLines().stream().filter(l -> l.contains(containing)).count();
  }

  static void assertNoDevicesNotAsScheduledEvents() {
    assertThat(cluster.controlPlane().admin().v1().events().inNamespace("default").list().getItems())
        .noneMatch(e -> "TopogpuDevicesNotAsScheduled".equals(e.getReason()));
  }

  static void awaitAllocatable(Map<String, String> expected) {
    awaitUntil(Duration.ofSeconds(90), "allocatable " + expected + " and the topology annotation", () -> {
      Node n = node.node(cluster.controlPlane());
      Map<String, Quantity> a = n.getStatus().getAllocatable();
      return a != null && expected.entrySet().stream().allMatch(e -> a.containsKey(e.getKey())
              && a.get(e.getKey()).getNumericalAmount().compareTo(new Quantity(e.getValue()).getNumericalAmount()) == 0)
          && n.getMetadata().getAnnotations() != null && n.getMetadata().getAnnotations().containsKey(Keys.TOPOLOGY);
    });
  }

  static void awaitUntil(Duration timeout, String what, Supplier<Boolean> condition) {
    try {
      Wait.until(timeout, what, condition);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + cluster.logs(40), e);
    }
  }

  static String q(Map<String, Quantity> a, String k) {
    return a.containsKey(k) ? a.get(k).toString() : "";
  }
}
