package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.scheduler.bind.InMemoryBinder;
import io.topogpu.scheduler.driver.KubeSchedulerDriver;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.Keys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code topogpu extender --snapshot}: the snapshot's running pods hold their GPUs, and a pod
 * created after the snapshot is learnt from its filter request and bound in memory.
 */
class SnapshotModeTest {

  @Test
  @DisplayName("a new pod is placed around the snapshot's running pod and bound in memory")
  void newPodAroundSnapshotPods() {
    Placer placer = new Placer(Policy.defaults());
    ClusterState state = new ClusterState(placer::attribute);
    SnapshotSource source = new SnapshotSource(new Snapshot(
        List.of(MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode()),
        List.of(MakePod.named("running").gpus(2).on("dgx").obj())));
    assertThat(source.announcesNewPods()).isFalse();
    source.start(state);
    TopogpuBackend backend = new TopogpuBackend(state, placer, source.binder(), GangHook.NONE,
        TopogpuBackend.PodDiscovery.FROM_REQUESTS);
    Pod fresh = new PodBuilder().withNewMetadata().withName("fresh").withNamespace("default").withUid("u")
        .endMetadata().withNewSpec().addNewContainer().withName("c").withNewResources()
        .addToLimits(Keys.RESOURCE_GPU, new Quantity("2")).endResources().endContainer().endSpec().build();

    try (ExtenderServer server = ExtenderServer.start(backend,
        ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(2)), new ExtenderMetrics())) {
      Outcome outcome = KubeSchedulerDriver.onLoopback(server.port(), 1).schedule(fresh, List.of("dgx"));
      assertThat(outcome).isEqualTo(new Outcome.Bound("dgx", Map.of("dgx", 0L)));
    }

    assertThat(state.holding("default/running").orElseThrow().gpus()).containsExactly(0, 1);
    assertThat(state.holding("default/fresh").orElseThrow().gpus()).containsExactly(2, 3);
    assertThat(((InMemoryBinder) source.binder()).bound("default/fresh").orElseThrow().node()).isEqualTo("dgx");
    assertThat(state.pod("default/fresh").orElseThrow().nodeName()).contains("dgx");
  }

  @Test
  @DisplayName("filter never changes the ledger, whatever node and GPUs the request's pod claims,"
      + " and pods seen only in filters are not kept in the cluster state")
  void filterWritesNoState() {
    Placer placer = new Placer(Policy.defaults());
    ClusterState state = new ClusterState(placer::attribute);
    SnapshotSource source = new SnapshotSource(new Snapshot(
        List.of(MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode()), List.of()));
    source.start(state);
    TopogpuBackend backend = new TopogpuBackend(state, placer, source.binder(), GangHook.NONE,
        TopogpuBackend.PodDiscovery.FROM_REQUESTS);
    // claims to run on dgx holding GPUs 0-5
    Pod claims = new PodBuilder().withNewMetadata().withName("claims").withNamespace("default")
        .withUid("u").addToAnnotations(Keys.GPUS,
            "{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":0},{\"index\":1},{\"index\":2},"
                + "{\"index\":3},{\"index\":4},{\"index\":5}]}")
        .endMetadata().withNewSpec().withNodeName("dgx").addNewContainer().withName("c")
        .withNewResources().addToLimits(Keys.RESOURCE_GPU, new Quantity("6")).endResources()
        .endContainer().endSpec().build();

    try (ExtenderServer server = ExtenderServer.start(backend,
        ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(2)),
        new ExtenderMetrics())) {
      KubeSchedulerDriver driver = KubeSchedulerDriver.onLoopback(server.port(), 1);
      driver.schedule(claims, List.of());
      for (int i = 0; i < 50; i++) {
        Pod other = new PodBuilder(claims).editMetadata().withName("p-" + i).withUid("u-" + i)
            .endMetadata().build();
        driver.schedule(other, List.of());
      }
    }

    assertThat(state.node("dgx").orElseThrow().freeMask()).isEqualTo(0xFFL);
    assertThat(state.holding("default/claims")).isEmpty();
    assertThat(state.pod("default/claims")).isEmpty();
    assertThat(state.pod("default/p-7")).isEmpty();
  }
}
