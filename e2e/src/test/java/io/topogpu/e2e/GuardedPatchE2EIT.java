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
import io.topogpu.scheduler.service.ExtenderApp;
import io.topogpu.topology.shapes.Shapes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The pod changes between the extender's read and its guarded annotation write: the real API
 * server refuses the stale patch, the bind fails cleanly (no annotation, the GPUs go back), and
 * kube-scheduler's retry binds the pod with the change kept. The change is made by a client
 * interceptor on the extender's own client, just before its PATCH leaves, so the race is hit
 * every time, not by luck. The extender runs in-process for that; everything else is as shipped.
 */
class GuardedPatchE2EIT {
  static KubeBinaries bin;
  static KubeCluster cluster;
  static KubernetesClient extenderClient;
  static ExtenderApp extender;
  static final AtomicInteger interceptedPatches = new AtomicInteger();

  @BeforeAll
  static void cluster() {
    bin = RealKubernetes.binariesOrSkip();
    cluster = KubeCluster.start(bin, "guarded-patch");
    KubernetesClient admin = cluster.admin();
    Interceptor changeThePodFirst = new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if ("PATCH".equals(request.method()) && request.uri().getPath().endsWith("/pods/raced")
            && interceptedPatches.getAndIncrement() == 0) {
          admin.pods().inNamespace("default").withName("raced").edit(p -> new PodBuilder(p).editMetadata()
              .addToLabels("changed", "meanwhile").endMetadata().build());
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
  @DisplayName("a pod changed between read and patch: the stale write is refused, the retry binds it with the change kept")
  void stalePatchIsRefusedAndThePodRetried() {
    cluster.node("dgx", Shapes.load("dgx-a100-8gpu-nv12"), Map.of());
    cluster.create(Pods.named("raced").gpus(2).build());
    Wait.until(Duration.ofSeconds(60), "the raced write sent", () -> interceptedPatches.get() >= 1);
    // kube-scheduler 1.20 parks a pod that changed while it was being bound in its unschedulable
    // queue, and retries it on the next cluster event or after 60 s: a node update is such an event.
    Wait.sleep(2000);
    cluster.admin().nodes().withName("dgx").edit(n -> new NodeBuilder(n).editMetadata()
        .addToLabels("touched", "yes").endMetadata().build());

    Pod bound = cluster.awaitBound("default", "raced", Duration.ofSeconds(90));

    assertThat(interceptedPatches.get()).as("guarded writes sent (the first was raced)").isEqualTo(2);
    assertThat(bound.getMetadata().getLabels()).containsEntry("changed", "meanwhile");
    var recorded = Allocations.read(cluster.admin()).of("default/raced").orElseThrow();
    assertThat(recorded.gpus()).hasSize(2);
    // The failed attempt gave its GPUs back: the ledger holds exactly what the API server records.
    assertThat(extender.state().holding("default/raced")).contains(recorded);
    assertThat(extender.state().node("dgx").orElseThrow().freeMask())
        .isEqualTo(0xFFL & ~((1L << recorded.gpus().get(0)) | (1L << recorded.gpus().get(1))));
  }

}
