package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.driver.KubeSchedulerDriver;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.extender.ExtenderBindingResult;
import io.topogpu.scheduler.extender.Routes;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.topology.shapes.Shapes;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Many kube-schedulers at once against one extender and the mock API server: no GPU is ever given
 * to two pods, whatever the interleaving of filter, prioritize and bind; a retried bind changes
 * nothing; a failed binding call gives the GPUs back.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ConcurrentBindIT {
  private static final List<String> NODES = List.of("dgx-1", "dgx-2", "l40s-1");
  private static final int THREADS = 8;
  private static final int PODS = 48;

  KubernetesMockServer server;
  KubernetesClient client;
  MockApi api;
  LiveExtender extender;

  @BeforeEach
  void cluster() {
    api = new MockApi(server, client);
    api.node("dgx-1", Shapes.load("dgx-a100-8gpu-nv12"));
    api.node("dgx-2", Shapes.load("dgx-a100-8gpu-nv12"));
    api.node("l40s-1", Shapes.load("l40s-8gpu-pcie-node-sys"));
    extender = LiveExtender.synced(client, 7);
  }

  @AfterEach
  void stop() {
    extender.close();
  }

  @Test
  @DisplayName("8 threads, 48 pods of 1/2/4 GPUs for 24 GPUs, random pauses between verbs, every "
      + "bound pod's bind sent twice: no GPU held twice, in the ledger or in the pods' annotations")
  void noGpuTwice() throws Exception {
    Random seeds = new Random(20261122);
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < PODS; i++) {
      pods.add(api.gpus("p" + i, List.of(1, 2, 4).get(seeds.nextInt(3))));
    }
    for (Pod p : pods) {
      MockApi.await(() -> extender.state.pod("default/" + p.getMetadata().getName()).isPresent(), "cache");
    }
    ConcurrentLinkedQueue<Pod> queue = new ConcurrentLinkedQueue<>(pods);
    Map<String, String> boundTo = new ConcurrentHashMap<>();
    List<String> retryErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Random jitter = new Random(seeds.nextLong());
      KubeSchedulerDriver driver = new KubeSchedulerDriver(
          URI.create("http://127.0.0.1:" + extender.server.port() + Routes.PREFIX), 10, jitter.nextLong(),
          (verb, status, elapsed) -> pause(jitter));
      done.add(pool.submit(() -> {
        for (Pod p; (p = queue.poll()) != null; ) {
          if (driver.schedule(p, NODES) instanceof Outcome.Bound b) {
            boundTo.put(p.getMetadata().getName(), b.node());
            ExtenderBindingResult again = driver.bind(p, b.node());
            if (!again.error().isEmpty()) {
              retryErrors.add(p.getMetadata().getName() + ": " + again.error());
            }
          }
        }
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();

    assertThat(retryErrors).isEmpty();
    assertThat(boundTo).isNotEmpty();
    Map<String, Set<Integer>> taken = new HashMap<>();
    int annotatedGpus = 0;
    for (Pod p : pods) {
      String name = p.getMetadata().getName();
      Optional<Assignment> held = extender.state.holding("default/" + name);
      if (!boundTo.containsKey(name)) {
        assertThat(held).as("ledger holding of unbound %s", name).isEmpty();
        continue;
      }
      api.awaitBound(name);
      assertThat(api.boundNode(name)).contains(boundTo.get(name));
      Assignment a = api.annotation(name).orElseThrow();
      assertThat(a.node()).isEqualTo(boundTo.get(name));
      assertThat(held).as("ledger holding of %s", name).contains(a);
      for (int g : a.gpus()) {
        assertThat(taken.computeIfAbsent(a.node(), n -> new HashSet<>()).add(g))
            .as("GPU %d of %s given twice (again to %s)", g, a.node(), name).isTrue();
      }
      annotatedGpus += a.gpus().size();
    }
    long ledgerGpus = extender.state.nodes().stream()
        .mapToLong(n -> n.pods().values().stream().mapToLong(x -> x.gpus().size()).sum()).sum();
    assertThat(ledgerGpus).isEqualTo(annotatedGpus).isLessThanOrEqualTo(24);
  }

  @Test
  @DisplayName("a bind retried by kube-scheduler succeeds without a second write; a bind of the same "
      + "pod to another node is refused")
  void retriedBind() {
    Pod pod = api.gpus("retried", 2);
    Outcome.Bound first = (Outcome.Bound) extender.schedule(pod, NODES);
    api.awaitBound("retried");
    String version = api.get("retried").getMetadata().getResourceVersion();
    Assignment before = api.annotation("retried").orElseThrow();

    assertThat(extender.driver.bind(pod, first.node()).error()).isEmpty();
    String other = NODES.stream().filter(n -> !n.equals(first.node())).findFirst().orElseThrow();
    assertThat(extender.driver.bind(pod, other).error()).contains("already holds GPUs on node " + first.node());

    assertThat(api.get("retried").getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(api.annotation("retried")).contains(before);
    assertThat(extender.state.holding("default/retried")).contains(before);
  }

  @Test
  @DisplayName("the binding call fails: bind answers the error and the ledger gives the GPUs back")
  void failedBindingRollsBack() {
    Pod pod = client.pods().inNamespace(MockApi.NS).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata().withName("doomed").withNamespace(MockApi.NS).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withNewResources()
        .addToLimits("nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("8")).endResources()
        .endContainer().endSpec().build()).create();
    server.expect().post().withPath("/api/v1/namespaces/default/pods/doomed/binding")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"pods \\\"doomed\\\" is forbidden\"}").always();
    MockApi.await(() -> extender.state.pod("default/doomed").isPresent(), "cache");

    Outcome outcome = extender.driver.schedule(pod, List.of("dgx-1"));

    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    assertThat(((Outcome.Failed) outcome).verb()).isEqualTo(Routes.BIND_VERB);
    assertThat(((Outcome.Failed) outcome).error()).contains("binding pod default/doomed to node dgx-1 failed");
    assertThat(extender.state.holding("default/doomed")).isEmpty();
    assertThat(extender.state.node("dgx-1").orElseThrow().freeMask()).isEqualTo(0xFFL);
  }

  private static void pause(Random jitter) {
    try {
      Thread.sleep(jitter.nextInt(4));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
