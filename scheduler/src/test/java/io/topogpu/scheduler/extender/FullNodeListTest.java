package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.topogpu.scheduler.extender.ExtenderHarness.Reply;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code nodeCacheCapable: false} with realistic nodes. The fixture {@code realistic-gpu-node.json}
 * is a hand-assembled DGX H100 node as the API server serves it to kube-scheduler (no
 * managedFields): ~130 labels (GPU Feature Discovery, Node Feature Discovery, network topology),
 * the {@code topogpu.io/topology} annotation ({@code TopologyCodec} encoding of the {@code
 * hgx-h100-8gpu-nv18-pix-nics} capture), 42 container images, conditions, capacity and node info.
 * Compact JSON, as Go sends it, is about 20 KB.
 */
class FullNodeListTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LARGE_CLUSTER_NODES = 5_000;

  private static ObjectNode realisticNode(String name) throws IOException {
    try (InputStream in = FullNodeListTest.class.getResourceAsStream("realistic-gpu-node.json")) {
      ObjectNode node = (ObjectNode) JSON.readTree(in);
      ((ObjectNode) node.get("metadata")).put("name", name);
      return node;
    }
  }

  @Test
  void aFiveThousandNodeListOfRealisticGpuNodesFitsTheDefaultBodyLimit() throws IOException {
    long nodeBytes = JSON.writeValueAsBytes(realisticNode("dgx-h100-rack07-node12")).length;
    long podAndEnvelopeBytes = 16 * 1024;

    long listBytes = LARGE_CLUSTER_NODES * (nodeBytes + 1) + podAndEnvelopeBytes;

    assertThat(nodeBytes).isBetween(15_000L, 30_000L);
    assertThat(listBytes).isLessThan(ExtenderServerOptions.DEFAULT_BODY_LIMIT_BYTES / 2);
  }

  @Test
  void echoedNodesAreTheNodesThatWereSentFieldForField() throws IOException {
    FakeBackend backend = FakeBackend.withNodes("gpu-a", "gpu-b").withPod("default", "job-0");
    ObjectNode args = JSON.createObjectNode();
    args.set("Pod", JSON.readTree(WireRequests.pod("job-0").nodeNames()).get("Pod"));
    args.putObject("Nodes")
        .putArray("items")
        .add(realisticNode("gpu-a"))
        .add(realisticNode("gpu-b"));
    args.putNull("NodeNames");

    Reply reply;
    try (ExtenderHarness extender =
        new ExtenderHarness(backend, ExtenderServerOptions.defaults().withPort(0))) {
      reply = extender.post(Routes.FILTER, args.toString());
    }

    JsonNode items = reply.json().get("Nodes").get("items");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(items).hasSize(2);
    assertThat(items.get(0)).isEqualTo(realisticNode("gpu-a"));
    assertThat(items.get(1)).isEqualTo(realisticNode("gpu-b"));
  }
}
