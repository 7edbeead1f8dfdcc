package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.scheduler.driver.KubeSchedulerDriver;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.kube.KubeObjects;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.topology.Keys;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bind carries out only binds of pods topogpu placed ({@link BindGuard}): each refusal names why,
 * writes nothing and holds no GPU; a pod topogpu filtered still binds.
 */
class BindRefusalTest {
  private final Placer placer = new Placer(Policy.defaults());
  private final ClusterState state = new ClusterState(placer::attribute);
  private final TopogpuBackendTest.RecordingBinder binder = new TopogpuBackendTest.RecordingBinder();
  private ExtenderServer server;
  private KubeSchedulerDriver driver;

  @BeforeEach
  void dgx() {
    new SnapshotSource(new Snapshot(
        List.of(MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode()), List.of()))
        .start(state);
    server = ExtenderServer.start(
        new TopogpuBackend(state, placer, binder, GangHook.NONE,
            TopogpuBackend.PodDiscovery.FROM_SOURCE, new BindGuard("topogpu")),
        ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(2)),
        new ExtenderMetrics());
    driver = KubeSchedulerDriver.onLoopback(server.port(), 1);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Pod created(String namespace, String name, String scheduler, String uid,
      String resource, int count) {
    Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withUid(uid).endMetadata()
        .withNewSpec().withSchedulerName(scheduler).addNewContainer().withName("c")
        .withNewResources().addToLimits(resource, new Quantity(Integer.toString(count)))
        .endResources().endContainer().endSpec().build();
    state.putPod(KubeObjects.toPodInfo(pod));
    return pod;
  }

  /** A scheduling attempt over no node: a filter call, and no bind. */
  private void filter(Pod pod) {
    assertThat(driver.schedule(pod, List.of())).isInstanceOf(Outcome.Unschedulable.class);
  }

  private void assertNothingWritten() {
    assertThat(binder.writes).isEmpty();
    assertThat(state.node("dgx").orElseThrow().freeMask()).isEqualTo(0xFFL);
  }

  @Test
  void aCpuPodOfTheDefaultSchedulerToAnUnknownNodeIsRefused() {
    Pod dns = created("kube-system", "coredns", "default-scheduler", "u1", "cpu", 1);

    assertThat(driver.bind(dns, "not-a-node").error()).isEqualTo("pod kube-system/coredns asks for"
        + " scheduler 'default-scheduler', not 'topogpu'; topogpu binds only pods it placed");
    assertNothingWritten();
  }

  @Test
  void aGpuPodOfAnotherSchedulerIsRefusedEvenAfterAFilter() {
    Pod other = created("ml", "train", "volcano", "u2", Keys.RESOURCE_GPU, 2);
    filter(other);

    assertThat(driver.bind(other, "dgx").error()).isEqualTo("pod ml/train asks for scheduler"
        + " 'volcano', not 'topogpu'; topogpu binds only pods it placed");
    assertNothingWritten();
  }

  @Test
  void aPodWithoutGpusIsRefused() {
    Pod web = created("web", "nginx", "topogpu", "u3", "cpu", 1);

    assertThat(driver.bind(web, "dgx").error()).isEqualTo("pod web/nginx requests no GPU resource"
        + " topogpu manages; topogpu binds only pods it placed");
    assertNothingWritten();
  }

  @Test
  void aGpuPodNeverFilteredIsRefused() {
    Pod sneaky = created("ml", "sneaky", "topogpu", "u4", Keys.RESOURCE_GPU, 8);

    assertThat(driver.bind(sneaky, "dgx").error()).isEqualTo("pod ml/sneaky was not filtered by"
        + " this extender (since it started); topogpu binds only pods it placed");
    assertNothingWritten();
  }

  @Test
  void aFilteredPodToAnUnknownNodeIsRefused() {
    Pod train = created("ml", "train", "topogpu", "u5", Keys.RESOURCE_GPU, 2);
    filter(train);

    assertThat(driver.bind(train, "ghost").error()).isEqualTo("node ghost is not in topogpu's cache");
    assertNothingWritten();
  }

  @Test
  void anEmptyPodUidIsRefused() {
    Pod train = created("ml", "train", "topogpu", "u6", Keys.RESOURCE_GPU, 2);
    filter(train);
    Pod noUid = new PodBuilder(train).editMetadata().withUid("").endMetadata().build();

    assertThat(driver.bind(noUid, "dgx").error())
        .isEqualTo("PodUID: required; topogpu binds only a pod it can identify");
    assertNothingWritten();
  }

  @Test
  void aFilteredPodOfThisSchedulerBinds() {
    Pod train = created("ml", "train", "topogpu", "u7", Keys.RESOURCE_GPU, 2);

    assertThat(driver.schedule(train, List.of("dgx"))).isInstanceOf(Outcome.Bound.class);
    assertThat(binder.writes).hasSize(1);
  }
}
