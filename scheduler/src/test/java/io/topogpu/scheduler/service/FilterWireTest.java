package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.extender.Routes;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.placement.WorkloadMix;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The filter answer's exact bytes for a mixed cluster, the wire contract kube-scheduler reads:
 * passing names in request order, resolvable rejections under {@code FailedNodes} and unresolvable
 * ones under {@code FailedAndUnresolvableNodes}, each in request order, one message per node, the
 * absent {@code Nodes} left out. Pinned byte for byte so that changes to how the answer is built
 * cannot reorder or reshape it.
 */
class FilterWireTest {
  private final Placer placer = new Placer(Policy.defaults(), new WorkloadMix(1));
  private final ClusterState state = new ClusterState(placer::attribute);
  private ExtenderServer server;

  /**
   * Eight whole GPUs asked of: three empty 8-GPU nodes (pass), two 8-GPU nodes with 6 and 5 GPUs
   * busy (resolvable: evicting could free them), a 4-GPU tray and a node without topology data
   * (unresolvable), and two names the cache does not know (resolvable).
   */
  @BeforeEach
  void mixedCluster() {
    MakeNode busy = MakeNode.named("busy").shape("dgx-a100-8gpu-nv12").busy(0, 1, 2, 3, 4, 5);
    MakeNode fourBusy = MakeNode.named("l40s-half").shape("l40s-8gpu-pcie-node-sys").busy(0, 1, 2, 3, 4);
    new SnapshotSource(new Snapshot(List.of(
        MakeNode.named("dgx-a").shape("dgx-a100-8gpu-nv12").clusterNode(),
        busy.clusterNode(),
        MakeNode.named("small").shape("gb200-nvl-4gpu-tray").clusterNode(),
        MakeNode.named("l40s").shape("l40s-8gpu-pcie-node-sys").clusterNode(),
        fourBusy.clusterNode(),
        MakeNode.named("old").noTopology("topogpu.io/topology annotation missing").clusterNode(),
        MakeNode.named("dgx-b").shape("dgx-a100-8gpu-nv12").clusterNode()), List.of()))
        .start(state);
    hold(busy);
    hold(fourBusy);
    server = ExtenderServer.start(
        new TopogpuBackend(state, placer, new TopogpuBackendTest.RecordingBinder(), GangHook.NONE,
            TopogpuBackend.PodDiscovery.FROM_REQUESTS),
        ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(2)),
        new ExtenderMetrics());
  }

  private void hold(MakeNode node) {
    for (int i = 0; i < node.holdings().size(); i++) {
      state.ledger().allocate(node.fillerKey(i), node.holdings().get(i));
    }
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @DisplayName("names mode: passing names, FailedNodes and FailedAndUnresolvableNodes in request "
      + "order, byte for byte")
  void namesMode() throws Exception {
    String answer = filter(List.of("ghost", "dgx-a", "busy", "small", "l40s", "l40s-half", "old",
        "dgx-b", "ghost-2"));

    assertThat(answer).isEqualTo("{"
        + "\"NodeNames\":[\"dgx-a\",\"l40s\",\"dgx-b\"],"
        + "\"FailedNodes\":{"
        + "\"ghost\":\"node not in topogpu's cache\","
        + "\"busy\":\"have fewer than 8 free GPUs\","
        + "\"l40s-half\":\"have fewer than 8 free GPUs\","
        + "\"ghost-2\":\"node not in topogpu's cache\"},"
        + "\"FailedAndUnresolvableNodes\":{"
        + "\"small\":\"have fewer than 8 usable GPUs\","
        + "\"old\":\"lack topology data\"},"
        + "\"Error\":\"\"}");
  }

  private String filter(List<String> names) throws Exception {
    String body = "{\"Pod\":{\"metadata\":{\"name\":\"train\",\"namespace\":\"default\",\"uid\":\"u1\"},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":"
        + "{\"nvidia.com/gpu\":\"8\"}}}]}},\"NodeNames\":["
        + String.join(",", names.stream().map(n -> "\"" + n + "\"").toList()) + "]}";
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + Routes.FILTER))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
