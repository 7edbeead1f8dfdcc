package io.topogpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.topogpu.e2e.harness.KubeBinaries;
import io.topogpu.e2e.harness.KubeCluster;
import io.topogpu.e2e.harness.Repo;
import io.topogpu.e2e.harness.Wait;
import io.topogpu.e2e.support.Allocations;
import io.topogpu.e2e.support.Pods;
import io.topogpu.e2e.support.RealKubernetes;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.NodeTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The node agent as the DaemonSet runs it: under its own service account and the RBAC of the
 * shipped manifests, NVML being the fake library built from C and answering as a DGX A100. It
 * publishes {@code topogpu.io/topology} on its Node; the extender and kube-scheduler then place on
 * what it published.
 */
class AgentE2EIT {
  static KubeBinaries bin;
  static KubeCluster cluster;
  static Path fakeNvml;

  @BeforeAll
  static void cluster() {
    bin = RealKubernetes.binariesOrSkip();
    fakeNvml = Path.of(System.getProperty("topogpu.fakeNvmlDir", "nodeagent/target/native"), "libnvidia-ml.so.1");
    Assumptions.assumeTrue(Files.isRegularFile(fakeNvml), "the fake NVML library was not built (no gcc): " + fakeNvml);
    cluster = KubeCluster.start(bin, "agent");
    cluster.admin().nodes().resource(new NodeBuilder().withNewMetadata().withName("gpu-1").endMetadata().build())
        .create();
    cluster.startAgent("gpu-1", fakeNvml, Repo.path("nodeagent/src/test/resources/machines/dgx-a100.machine"),
        List.of());
    cluster.startExtender();
    cluster.startKubeScheduler(bin);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("the agent publishes the DGX A100 topology on its node under its own account: 8 GPUs, all pairs NVLink")
  void agentPublishesTopology() {
    NodeTopology t = awaitTopology("gpu-1");

    assertThat(t.gpuCount()).isEqualTo(8);
    for (int i = 0; i < 8; i++) {
      for (int j = i + 1; j < 8; j++) {
        assertThat(t.link(i, j).kind()).as("link %d-%d", i, j).isEqualTo(LinkKind.NVLINK);
      }
    }
  }

  @Test
  @DisplayName("a 4-GPU pod is placed on what the agent published")
  void podLandsOnPublishedTopology() {
    awaitTopology("gpu-1");
    // allocatable as the device plugin would advertise it
    Node n = cluster.admin().nodes().withName("gpu-1").get();
    n.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
        .withAllocatable(KubeCluster.allocatable(awaitTopology("gpu-1")))
        .withCapacity(KubeCluster.allocatable(awaitTopology("gpu-1"))).build());
    cluster.admin().nodes().resource(n).updateStatus();
    cluster.create(Pods.named("four").gpus(4).build());

    cluster.awaitBound("default", "four", Duration.ofSeconds(60));

    assertThat(Allocations.read(cluster.admin()).of("default/four").orElseThrow().gpus()).hasSize(4);
  }

  @Test
  @DisplayName("least privilege: the agent's account reads nodes and pods (its device plugin) but cannot delete, create or bind")
  void agentAccountIsConfined() {
    try (KubernetesClient agent = cluster.controlPlane().client(cluster.tokenOf(KubeCluster.AGENT_ACCOUNT))) {
      assertThat(agent.nodes().withName("gpu-1").get()).isNotNull();
      assertThat(agent.pods().inNamespace("default").list()).isNotNull();
      assertThatThrownBy(() -> agent.nodes().withName("gpu-1").delete())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      assertThatThrownBy(() -> agent.pods().inNamespace("default").resource(Pods.named("sneaky").gpus(1).build())
          .create())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
      assertThatThrownBy(() -> agent.pods().inNamespace("default").withName("four").delete())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  private static NodeTopology awaitTopology(String node) {
    Wait.until(Duration.ofSeconds(60), "topogpu.io/topology on " + node, () -> {
      var a = cluster.admin().nodes().withName(node).get().getMetadata().getAnnotations();
      return a != null && a.containsKey(Keys.TOPOLOGY);
    });
    return TopologyCodec.decode(cluster.admin().nodes().withName(node).get().getMetadata().getAnnotations()
        .get(Keys.TOPOLOGY));
  }
}
