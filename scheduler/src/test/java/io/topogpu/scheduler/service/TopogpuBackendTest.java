package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.scheduler.bind.BindException;
import io.topogpu.scheduler.bind.BindTarget;
import io.topogpu.scheduler.bind.Binder;
import io.topogpu.scheduler.driver.KubeSchedulerDriver;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.kube.KubeObjects;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.placement.WorkloadMix;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.topology.Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The backend over HTTP with snapshot state and a recording binder: the documented answers for
 * what placement cannot decide, and the server still serving afterwards.
 */
class TopogpuBackendTest {
  /** Its learned workload refreshes on every observation, so each one is visible. */
  private final Placer placer = new Placer(Policy.defaults(), new WorkloadMix(1));
  private final ClusterState state = new ClusterState(placer::attribute);
  private final RecordingBinder binder = new RecordingBinder();
  private ExtenderServer server;
  private KubeSchedulerDriver driver;

  /** Remembers binds; fails those of pods named {@code fail-*}. */
  static final class RecordingBinder implements Binder {
    final List<BindTarget> writes = new ArrayList<>();

    @Override
    public Prepared prepare(BindTarget target) {
      return Prepared.READY;
    }

    @Override
    public synchronized void commit(BindTarget target) {
      if (target.name().startsWith("fail-")) {
        throw new BindException("binding pod " + target.key() + " failed (HTTP 403): forbidden");
      }
      writes.add(target);
    }

    @Override
    public boolean undo(BindTarget target, String why) {
      return false;
    }
  }

  @BeforeEach
  void dgxFromASnapshot() {
    new SnapshotSource(new Snapshot(
        List.of(MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode()), List.of()))
        .start(state);
    server = ExtenderServer.start(new TopogpuBackend(state, placer, binder, GangHook.NONE, TopogpuBackend.PodDiscovery.FROM_SOURCE),
        ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(2)),
        new ExtenderMetrics());
    driver = KubeSchedulerDriver.onLoopback(server.port(), 1);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Pod created(String name, String resource, int count) {
    Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withUid("uid-" + name).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withNewResources()
        .addToLimits(resource, new Quantity(Integer.toString(count))).endResources().endContainer().endSpec()
        .build();
    state.putPod(KubeObjects.toPodInfo(pod));
    return pod;
  }

  private int healthz() throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  @DisplayName("a node name not in the cache is failed as NodeNotInCache (resolvable), the others "
      + "are judged, and the server keeps serving")
  void unknownNode() throws Exception {
    Pod pod = created("train", Keys.RESOURCE_GPU, 2);

    Outcome outcome = driver.schedule(pod, List.of("ghost", "dgx"));

    assertThat(outcome).isEqualTo(new Outcome.Bound("dgx", Map.of("dgx", 0L)));
    Outcome onlyGhost = driver.schedule(created("other", Keys.RESOURCE_GPU, 1), List.of("ghost"));
    assertThat(onlyGhost).isEqualTo(
        new Outcome.Unschedulable(Map.of("ghost", "node not in topogpu's cache"), Map.of()));
    assertThat(healthz()).isEqualTo(200);
  }

  @Test
  @DisplayName("bind of a pod not in the cache answers Error naming it, writes nothing, and the "
      + "server keeps serving")
  void unknownPod() throws Exception {
    Pod ghost = new PodBuilder().withNewMetadata().withName("ghost").withNamespace("default")
        .withUid("uid-ghost").endMetadata().build();

    String error = driver.bind(ghost, "dgx").error();

    assertThat(error).isEqualTo("pod default/ghost is not in topogpu's cache (not created yet,"
        + " already deleted, or not yet seen by the informer)");
    assertThat(binder.writes).isEmpty();
    assertThat(healthz()).isEqualTo(200);
    assertThat(driver.schedule(created("train", Keys.RESOURCE_GPU, 1), List.of("dgx")))
        .isInstanceOf(Outcome.Bound.class);
  }

  @Test
  @DisplayName("a pod asking for no managed resource is not topogpu's: every node passes, and a "
      + "bind of it is refused (kube-scheduler never sends one)")
  void notOurs() {
    Pod web = created("web", "cpu", 1);

    Outcome outcome = driver.schedule(web, List.of("dgx", "ghost"));

    assertThat(outcome).isEqualTo(new Outcome.Failed("bind", "pod default/web requests no GPU"
        + " resource topogpu manages; topogpu binds only pods it placed"));
    assertThat(binder.writes).isEmpty();
  }

  @Test
  @DisplayName("a bind whose write fails answers the binder's error and frees the claimed GPUs")
  void failedWriteRollsBack() {
    Outcome outcome = driver.schedule(created("fail-train", Keys.RESOURCE_GPU, 8), List.of("dgx"));

    assertThat(outcome).isEqualTo(new Outcome.Failed("bind",
        "binding pod default/fail-train failed (HTTP 403): forbidden"));
    assertThat(state.holding("default/fail-train")).isEmpty();
    assertThat(state.node("dgx").orElseThrow().freeMask()).isEqualTo(0xFFL);
  }

  @Test
  @DisplayName("a retried bind succeeds without a second write; a bind for another UID is refused")
  void retriedBind() {
    Pod pod = created("train", Keys.RESOURCE_GPU, 2);
    driver.schedule(pod, List.of("dgx"));

    assertThat(driver.bind(pod, "dgx").error()).isEmpty();
    assertThat(binder.writes).hasSize(1);

    Pod impostor = new PodBuilder(pod).editMetadata().withUid("uid-other").endMetadata().build();
    assertThat(driver.bind(impostor, "dgx").error())
        .isEqualTo("pod default/train has UID uid-train, the bind is for UID uid-other");
  }

  @Test
  @DisplayName("each pod bound with devices is observed once in the learned workload; failed binds,"
      + " retried binds and pods without GPUs (refused) are not")
  void bindsFeedTheLearnedWorkload() {
    assertThat(placer.workload().snapshot().empty()).isTrue();
    Pod two = created("two", Keys.RESOURCE_GPU, 2);
    driver.schedule(two, List.of("dgx"));
    driver.bind(two, "dgx");
    driver.schedule(created("one", Keys.RESOURCE_GPU, 1), List.of("dgx"));
    driver.schedule(created("fail-four", Keys.RESOURCE_GPU, 4), List.of("dgx"));
    driver.schedule(created("web", "cpu", 1), List.of("dgx"));

    // the mix publishes on every observation: one version per observed pod
    assertThat(placer.workload().snapshot().version()).isEqualTo(2);
    assertThat(placer.workload().snapshot().kinds()).containsExactly(
        new WorkloadMix.Kind(new GpuRequest.WholeGpus(2), 0.5),
        new WorkloadMix.Kind(new GpuRequest.WholeGpus(1), 0.5));
    assertThat(binder.writes).extracting(BindTarget::name).containsExactly("two", "one");
  }

  @Test
  @DisplayName("a pod asking for two GPU kinds fails filter with the field named")
  void invalidPod() {
    Pod both = new PodBuilder().withNewMetadata().withName("both").withNamespace("default").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withNewResources()
        .addToLimits(Keys.RESOURCE_GPU, new Quantity("1"))
        .addToLimits(Keys.RESOURCE_MIG_PREFIX + "1g.10gb", new Quantity("1"))
        .endResources().endContainer().endSpec().build();

    Outcome outcome = driver.schedule(both, List.of("dgx"));

    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    assertThat(((Outcome.Failed) outcome).error())
        .startsWith("pod default/both: spec: requests nvidia.com/gpu and nvidia.com/mig-1g.10gb");
  }
}
