package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.driver.KubeSchedulerDriver;
import io.topogpu.scheduler.ledger.GpusAnnotation;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.topology.Keys;
import io.topogpu.topology.shapes.Shapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of the extender (a child JVM) at random points of a stream of binds and gang binds,
 * then a fresh one against the same API server. After every restart the API server's state (the
 * truth a restarted extender rebuilds from) holds no GPU twice, and once the stream has settled no
 * gang is partly bound: each gang has all its members bound or none.
 *
 * <p>The API server is the fabric8 mock in CRUD mode by default. {@code
 * -Dtopogpu.restart.kubeconfig=FILE} runs the same stream against a real API server (nodes and
 * pods are created in namespace {@code default}; the cluster must have no other GPU pods).
 */
@EnableKubernetesMockClient(crud = true, https = false)
class RestartStreamIT {
  private static final List<String> NODES = List.of("dgx-1", "dgx-2", "dgx-3", "dgx-4", "dgx-5");
  private static final int KILLS = 4;

  KubernetesMockServer server;
  KubernetesClient mockClient;
  @TempDir Path dir;
  private ExtenderProcess extender;
  private final ExecutorService binders = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    if (extender != null) {
      extender.close();
    }
    binders.shutdownNow();
  }

  /** The endpoint under test: the mock, or the kubeconfig given. */
  private record Api(KubernetesClient client, Path kubeconfig, MockApi mock) {}

  private Api api() throws Exception {
    String given = System.getProperty("topogpu.restart.kubeconfig");
    if (given != null) {
      return new Api(new KubernetesClientBuilder().withConfig(
          io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(Path.of(given)))).build(),
          Path.of(given), null);
    }
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "%s"}}]
        users: [{name: test, user: {token: test}}]
        contexts: [{name: mock, context: {cluster: mock, user: test, namespace: default}}]
        current-context: mock
        """.formatted(mockClient.getConfiguration().getMasterUrl()));
    return new Api(mockClient, kubeconfig, new MockApi(server, mockClient));
  }

  @Test
  void killedAtRandomPointsNeverHoldsAGpuTwiceNorLeavesAGangPartlyBound() throws Exception {
    Api api = api();
    Random random = new Random(Long.getLong("topogpu.restart.seed", 15));
    MockApi mock = api.mock() != null ? api.mock() : new MockApi(null, api.client());
    for (String n : NODES) {
      mock.node(n, Shapes.load("dgx-a100-8gpu-nv12"));
    }
    // 4 gangs of 2 x 4 GPUs and 6 single pods of 1-2 GPUs: at most 41 of 40 GPUs, so the
    // extender must also refuse when the cluster is full, not only place
    Map<String, List<Pod>> gangs = new LinkedHashMap<>();
    List<Pod> singles = new ArrayList<>();
    for (int g = 0; g < 4; g++) {
      List<Pod> members = new ArrayList<>();
      for (int m = 0; m < 2; m++) {
        members.add(mock.pod("gang" + g + "-" + m, Keys.RESOURCE_GPU, 4,
            Map.of(Keys.GANG, "gang" + g, Keys.GANG_SIZE, "2")));
      }
      gangs.put("gang" + g, members);
    }
    for (int s = 0; s < 6; s++) {
      singles.add(mock.pod("single-" + s, Keys.RESOURCE_GPU, 1 + random.nextInt(2), Map.of()));
    }
    Path log = dir.resolve("extender.log");
    extender = ExtenderProcess.start(api.kubeconfig(), log).awaitReady();

    int restarts = 0;
    while (restarts < KILLS) {
      ExtenderProcess victim = extender;
      CompletableFuture<Void> killer = CompletableFuture.runAsync(() -> {
        ExtenderProcess.sleep(20 + random.nextInt(400));
        victim.kill();
      });
      stream(api.client(), victim, gangs, singles, random);
      killer.get(30, TimeUnit.SECONDS);
      restarts++;
      extender = ExtenderProcess.start(api.kubeconfig(), log).awaitReady();
      assertNoGpuTwice(api.client());
    }
    // settle: the stream goes on without kills until nothing more can be bound
    int bound = -1;
    for (int round = 0; round < 20 && boundPods(api.client()) != bound; round++) {
      bound = boundPods(api.client());
      stream(api.client(), extender, gangs, singles, random);
      ExtenderProcess.sleep(300);
    }

    assertNoGpuTwice(api.client());
    for (var gang : gangs.entrySet()) {
      long boundMembers = gang.getValue().stream()
          .filter(p -> nodeOf(api.client(), p.getMetadata().getName()) != null).count();
      assertThat(boundMembers).as("members of %s bound after %d restarts (log %s)", gang.getKey(),
          restarts, log).isIn(0L, 2L);
    }
    assertThat(bound).as("pods bound in the end").isGreaterThan(0);
    System.out.printf("restart stream: %d SIGKILLs, %d of %d pods bound, no GPU twice, no gang partly"
        + " bound%n", restarts, bound, gangs.size() * 2 + singles.size());
  }

  /** One pass of kube-scheduler over every pod not bound yet; calls to a dead extender just fail. */
  private void stream(KubernetesClient client, ExtenderProcess to, Map<String, List<Pod>> gangs,
      List<Pod> singles, Random random) {
    KubeSchedulerDriver driver = KubeSchedulerDriver.onLoopback(to.port, random.nextLong());
    List<Object> order = new ArrayList<>(gangs.values());
    order.addAll(singles);
    java.util.Collections.shuffle(order, random);
    for (Object item : order) {
      try {
        if (item instanceof Pod single) {
          if (nodeOf(client, single.getMetadata().getName()) == null) {
            driver.schedule(client.pods().inNamespace(MockApi.NS).withName(single.getMetadata().getName()).get(), NODES);
          }
        } else {
          @SuppressWarnings("unchecked")
          List<Pod> members = ((List<Pod>) item).stream()
              .filter(p -> nodeOf(client, p.getMetadata().getName()) == null)
              .map(p -> client.pods().inNamespace(MockApi.NS).withName(p.getMetadata().getName()).get())
              .toList();
          if (!members.isEmpty()) {
            for (var f : driver.scheduleAll(members, NODES, binders)) {
              f.get(40, TimeUnit.SECONDS);
            }
          }
        }
      } catch (Exception e) {
        // the extender died under the call: kube-scheduler would retry the pod later
      }
    }
  }

  private static String nodeOf(KubernetesClient client, String pod) {
    Pod p = client.pods().inNamespace(MockApi.NS).withName(pod).get();
    return p == null || p.getSpec() == null ? null : p.getSpec().getNodeName();
  }

  private static int boundPods(KubernetesClient client) {
    return (int) client.pods().inNamespace(MockApi.NS).list().getItems().stream()
        .filter(p -> p.getSpec().getNodeName() != null).count();
  }

  /** From the API server: every bound pod's recorded GPUs, no whole GPU of a node twice. */
  static void assertNoGpuTwice(KubernetesClient client) {
    Map<String, String> holder = new HashMap<>();
    for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
      String node = p.getSpec().getNodeName();
      Map<String, String> a = p.getMetadata().getAnnotations();
      if (node == null || a == null || !a.containsKey(Keys.GPUS)) {
        continue;
      }
      Assignment devices = GpusAnnotation.decode(a.get(Keys.GPUS));
      assertThat(devices.node()).as("pod %s recorded for its node", p.getMetadata().getName())
          .isEqualTo(node);
      for (int gpu : devices.gpus()) {
        String previous = holder.put(node + "/" + gpu, p.getMetadata().getName());
        assertThat(previous).as("GPU %d of %s held by %s and %s", gpu, node, previous,
            p.getMetadata().getName()).isNull();
      }
    }
  }
}
