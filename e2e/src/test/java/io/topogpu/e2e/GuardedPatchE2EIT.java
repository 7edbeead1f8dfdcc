package io.topogpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.topogpu.e2e.harness.KubeBinaries;
import io.topogpu.e2e.harness.KubeCluster;
import io.topogpu.e2e.harness.Repo;
import io.topogpu.e2e.harness.Wait;
import io.topogpu.e2e.support.Allocations;
import io.topogpu.e2e.support.Pods;
import io.topogpu.e2e.support.RealKubernetes;
import io.topogpu.scheduler.config.PolicyLoader;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.ledger.GpusAnnotation;
import io.topogpu.scheduler.service.ExtenderApp;
import io.topogpu.topology.Keys;
import io.topogpu.topology.shapes.Shapes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The pod changes while the extender writes its bind, against the real API server. A client
 * interceptor on the extender's own client changes the pod just before the named request leaves,
 * so the race is hit every time, not by luck. The extender runs in-process for that; everything
 * else is as shipped.
 *
 * <ul>
 *   <li>a single pod is bound by one POST of the binding carrying {@code topogpu.io/gpus}: nothing
 *       to race, the pod changed since the extender last saw it binds at once, the change kept;
 *   <li>a gang member is annotated first by a JSON patch guarded by a {@code resourceVersion}
 *       test: the stale patch is refused, the gang's bind fails cleanly (no GPUs held), and
 *       kube-scheduler's retry binds it with the change kept.
 * </ul>
 */
@TestMethodOrder(MethodOrderer.DisplayName.class)
class GuardedPatchE2EIT {
  static KubeBinaries bin;
  static KubeCluster cluster;
  static KubernetesClient extenderClient;
  static ExtenderApp extender;
  /** "METHOD pod-name" → requests the extender sent on that pod (and its binding). */
  static final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();

  @BeforeAll
  static void cluster() {
    bin = RealKubernetes.binariesOrSkip();
    cluster = KubeCluster.start(bin, "guarded-patch");
    KubernetesClient admin = cluster.admin();
    Interceptor changeThePodFirst = new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String path = request.uri().getPath();
        if (!path.startsWith("/api/v1/namespaces/default/pods/")) {
          return;
        }
        String rest = path.substring("/api/v1/namespaces/default/pods/".length());
        int n = sent.computeIfAbsent(request.method() + " " + rest, k -> new AtomicInteger()).getAndIncrement();
        boolean first = n == 0;
        if (first && ("POST single/binding".equals(request.method() + " " + rest)
            || "PATCH raced-0".equals(request.method() + " " + rest))) {
          String pod = rest.replace("/binding", "");
          admin.pods().inNamespace("default").withName(pod).edit(p -> new PodBuilder(p).editMetadata()
              .addToLabels("changed", "meanwhile").addToAnnotations("team", "vision").endMetadata().build());
        }
      }
    };
    extenderClient = cluster.controlPlane().clientBuilder(cluster.tokenOf(KubeCluster.SCHEDULER_ACCOUNT))
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("race", changeThePodFirst)).build();
    var policyFile = Repo.path("config/policy.yaml");
    extender = ExtenderApp.informers(extenderClient, PolicyLoader.load(policyFile), PolicyLoader.loadGangs(policyFile),
        ExtenderServerOptions.defaults().withPort(0));
    cluster.startKubeScheduler(bin, "http://127.0.0.1:" + extender.port() + "/scheduler");
  }

  @AfterAll
  static void stop() {
    if (extender != null) {
      extender.close();
    }
    if (extenderClient != null) {
      extenderClient.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("1 a single pod changed between filter and bind: one binding, bound at once, the change and topogpu.io/gpus both kept")
  void singlePodBindsInOneWrite() {
    cluster.node("one", Shapes.load("dgx-a100-8gpu-nv12"), Map.of());
    cluster.create(Pods.named("single").gpus(2).build());

    Pod bound = cluster.awaitBound("default", "single", Duration.ofSeconds(90));

    assertThat(count("POST single/binding")).as("bindings posted (the first raced)").isEqualTo(1);
    assertThat(count("PATCH single")).as("patches").isZero();
    assertThat(count("GET single")).as("reads").isZero();
    assertThat(bound.getSpec().getNodeName()).isEqualTo("one");
    assertThat(bound.getMetadata().getLabels()).containsEntry("changed", "meanwhile");
    assertThat(bound.getMetadata().getAnnotations()).containsEntry("team", "vision");
    var recorded = GpusAnnotation.decode(bound.getMetadata().getAnnotations().get(Keys.GPUS));
    assertThat(recorded.node()).isEqualTo("one");
    assertThat(recorded.gpus()).hasSize(2);
    assertThat(extender.state().holding("default/single")).contains(recorded);
  }

  @Test
  @DisplayName("2 a gang member changed between read and guarded patch: the stale write is refused, the retry binds the gang with the change kept")
  void staleGangPatchIsRefusedAndTheGangRetried() {
    for (String n : List.of("g-1", "g-2")) {
      cluster.node(n, Shapes.load("dgx-a100-8gpu-nv12"), Map.of(Keys.LABEL_LEGACY_LEAF, "l1"));
    }
    cluster.create(Pods.named("raced-0").gpus(8).gang("raced", 2).build());
    cluster.create(Pods.named("raced-1").gpus(8).gang("raced", 2).build());
    Wait.until(Duration.ofSeconds(60), "the raced write sent", () -> count("PATCH raced-0") >= 1);
    // kube-scheduler 1.20 parks a pod whose bind failed in its unschedulable queue, and retries it
    // on the next cluster event or after 60 s: a node update is such an event.
    Wait.sleep(2000);
    cluster.admin().nodes().withName("g-1").edit(n -> new NodeBuilder(n).editMetadata()
        .addToLabels("touched", "yes").endMetadata().build());

    Pod raced = cluster.awaitBound("default", "raced-0", Duration.ofSeconds(90));
    Pod other = cluster.awaitBound("default", "raced-1", Duration.ofSeconds(90));

    assertThat(count("PATCH raced-0")).as("guarded writes of the raced member (the first was refused)")
        .isGreaterThanOrEqualTo(2);
    assertThat(raced.getMetadata().getLabels()).containsEntry("changed", "meanwhile");
    var recorded = Allocations.read(cluster.admin());
    var a0 = recorded.of("default/raced-0").orElseThrow();
    var a1 = recorded.of("default/raced-1").orElseThrow();
    assertThat(a0.gpus()).hasSize(8);
    assertThat(a1.gpus()).hasSize(8);
    assertThat(List.of(raced.getSpec().getNodeName(), other.getSpec().getNodeName()))
        .containsExactlyInAnyOrder("g-1", "g-2");
    // The failed attempt gave its GPUs back: the ledger holds exactly what the API server records.
    assertThat(extender.state().holding("default/raced-0")).contains(a0);
    assertThat(extender.state().holding("default/raced-1")).contains(a1);
  }

  private static int count(String request) {
    AtomicInteger n = sent.get(request);
    return n == null ? 0 : n.get();
  }
}
