package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.demo.DemoCluster;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.topology.shapes.Shapes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Killing the extender mid-stream and starting a new one against the same API server: the new one
 * is not ready until it has rebuilt the ledger, rebuilds exactly the ledger the old one had, and
 * goes on placing without handing out a GPU that is taken.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class RestartIT {
  private static final List<String> NODES = List.of("dgx", "l40s", "mig");

  KubernetesMockServer server;
  KubernetesClient client;
  MockApi api;
  LiveExtender first;
  LiveExtender second;

  @BeforeEach
  void clusterWithAPodOfAnotherScheduler() {
    api = new MockApi(server, client);
    api.node("dgx", Shapes.load("dgx-a100-8gpu-nv12"));
    api.node("l40s", Shapes.load("l40s-8gpu-pcie-node-sys"));
    api.node("mig", DemoCluster.migA100());
    api.boundElsewhere("other-scheduler", 2, "l40s");
  }

  @AfterEach
  void stop() {
    for (LiveExtender e : new LiveExtender[] {first, second}) {
      if (e != null) {
        e.close();
      }
    }
  }

  @Test
  @DisplayName("restart mid-stream: /readyz 503 until synced, then the same ledger, then no GPU twice")
  void restartRebuildsTheSameLedger() {
    first = LiveExtender.synced(client, 3);
    for (var pod : List.of(api.gpus("a", 2), api.gpus("b", 4), api.mig("c", "1g.10gb"), api.gpus("d", 1))) {
      assertThat(first.schedule(pod, NODES)).isInstanceOf(Outcome.Bound.class);
      api.awaitBound(pod.getMetadata().getName());
    }
    Map<String, Map<String, Assignment>> before = ledger(first.state);
    first.close();
    first = null;

    second = new LiveExtender(client, 3);
    assertThat(second.readyzStatus()).isEqualTo(503);
    assertThat(second.driver.schedule(api.gpus("e", 1), NODES)).isInstanceOf(Outcome.Failed.class);
    second.sync();
    assertThat(second.readyzStatus()).isEqualTo(200);

    assertThat(ledger(second.state)).isEqualTo(before);
    assertThat(before.get("l40s")).containsKey("default/other-scheduler");

    for (var pod : List.of(api.gpus("f", 4), api.gpus("g", 4), api.mig("h", "1g.10gb"))) {
      second.schedule(pod, NODES);
    }
    assertThat(second.schedule(api.get("e"), NODES)).isInstanceOf(Outcome.Bound.class);
    assertNoGpuTwice(second.state);
  }

  private static Map<String, Map<String, Assignment>> ledger(ClusterState state) {
    Map<String, Map<String, Assignment>> out = new TreeMap<>();
    for (NodeState n : state.nodes()) {
      out.put(n.name(), new TreeMap<>(n.pods()));
    }
    return out;
  }

  private static void assertNoGpuTwice(ClusterState state) {
    for (NodeState n : state.nodes()) {
      n.holdersByGpu().forEach((gpu, holders) ->
          assertThat(holders).as("holders of GPU %d on %s", gpu, n.name()).hasSize(1));
      List<String> mig = n.pods().values().stream().flatMap(a -> a.mig().stream())
          .map(s -> s.gpu() + "@" + s.start()).toList();
      assertThat(mig).doesNotHaveDuplicates();
    }
  }
}
