package io.topogpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.topogpu.e2e.harness.KubeBinaries;
import io.topogpu.e2e.harness.KubeCluster;
import io.topogpu.e2e.harness.KubeletNode;
import io.topogpu.e2e.harness.Wait;
import io.topogpu.e2e.support.RealKubernetes;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The harness's real node: a pod of the topogpu scheduler (no GPU, so the extender is not asked)
 * is bound by the real kube-scheduler, started by the real kubelet through containerd and runc,
 * prints its environment, and its graceful deletion completes.
 */
class KubeletNodeE2EIT {
  static KubeBinaries bin;
  static KubeCluster cluster;
  static KubeletNode node;

  @BeforeAll
  static void cluster() {
    bin = RealKubernetes.binariesOrSkip();
    cluster = KubeCluster.start(bin, "kubelet");
    node = cluster.startKubeletNode(bin);
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
  @DisplayName("a pod starts on the real node, prints its environment, and a graceful delete completes")
  void podRunsAndIsDeleted() {
    cluster.create(new PodBuilder().withNewMetadata().withName("hello").withNamespace("default").endMetadata()
        .withNewSpec().withSchedulerName("topogpu").withHostNetwork(true)
        .addNewContainer().withName("main").withImage(KubeletNode.IMAGE).withImagePullPolicy("Never")
        .withCommand("sh", "-c", "echo GREETING=$GREETING; sleep 3600")
        .addNewEnv().withName("GREETING").withValue("from-e2e").endEnv().endContainer().endSpec().build());

    Pod running;
    try {
      Wait.until(Duration.ofSeconds(90), "pod hello running", () -> {
        Pod p = cluster.pod("default", "hello");
        return p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
      });
      running = cluster.pod("default", "hello");
      Wait.until(Duration.ofSeconds(30), "its output", () -> node.containerLog("default", "hello",
          running.getMetadata().getUid(), "main").contains("GREETING=from-e2e"));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + cluster.logs(30), e);
    }
    assertThat(running.getSpec().getNodeName()).isEqualTo(KubeletNode.NAME);

    cluster.admin().pods().inNamespace("default").withName("hello").withGracePeriod(2).delete();

    Wait.until(Duration.ofSeconds(60), "the graceful delete to complete",
        () -> cluster.pod("default", "hello") == null);
  }
}
