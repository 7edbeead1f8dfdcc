package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.extender.Routes;
import io.topogpu.scheduler.extender.WireCodec;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request may carry at most {@link WireCodec#nodeLimit} node entries (twice the nodes the
 * extender knows, at least 1,024), in either form: beyond it decoding stops with a 400 naming the
 * field, however small the body, so no request within the body limit can fill the heap.
 */
class NodeLimitTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Placer placer = new Placer(Policy.defaults());
  private final ClusterState state = new ClusterState(placer::attribute);
  private ExtenderServer server;

  @BeforeEach
  void threeNodes() {
    List<io.topogpu.scheduler.model.ClusterNode> nodes = new ArrayList<>();
    for (String n : List.of("a", "b", "c")) {
      nodes.add(MakeNode.named(n).shape("dgx-a100-8gpu-nv12").clusterNode());
    }
    new SnapshotSource(new Snapshot(nodes, List.of())).start(state);
    server = ExtenderServer.start(
        new TopogpuBackend(state, placer, new TopogpuBackendTest.RecordingBinder(), GangHook.NONE,
            TopogpuBackend.PodDiscovery.FROM_SOURCE),
        ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(2)),
        new ExtenderMetrics());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String body(boolean fullNodes, int count) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("Pod").putObject("metadata").put("name", "p").put("namespace", "default");
    ArrayNode list = fullNodes ? root.putObject("Nodes").putArray("items") : root.putArray("NodeNames");
    for (int i = 0; i < count; i++) {
      if (fullNodes) {
        list.addObject().putObject("metadata").put("name", "n" + i);
      } else {
        list.add("n" + i);
      }
    }
    return root.toString();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest(name = "full nodes: {0}")
  @ValueSource(booleans = {false, true})
  void oneEntryOverTheLimitIs400AndTheLimitItselfIsServed(boolean fullNodes) throws Exception {
    int limit = WireCodec.nodeLimit(3);
    assertThat(limit).isEqualTo(1_024);

    HttpResponse<String> over = post(Routes.FILTER, body(fullNodes, limit + 1));
    HttpResponse<String> at = post(Routes.PRIORITIZE, body(fullNodes, limit));

    assertThat(over.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(over.body()).get("error").asText())
        .startsWith(fullNodes ? "Nodes" : "NodeNames")
        .contains("more than 1024 entries; this extender accepts at most 1024 nodes per request");
    assertThat(at.statusCode()).isEqualTo(200);
  }

  @ParameterizedTest(name = "known nodes: {0}")
  @ValueSource(ints = {0, 3, 512, 5_000})
  void theLimitIsTwiceTheKnownNodesAndAtLeast1024(int known) {
    assertThat(WireCodec.nodeLimit(known)).isEqualTo(Math.max(1_024, 2 * known));
  }
}
