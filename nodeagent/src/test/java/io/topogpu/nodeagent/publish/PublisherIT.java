package io.topogpu.nodeagent.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The publisher against the fabric8 mock API server in CRUD mode, writes counted from its request log. */
@EnableKubernetesMockClient(crud = true, https = false)
class PublisherIT {
  private static final String NODE = "gpu-node-1";
  private static final Instant FAILED_AT = Instant.parse("2026-11-22T06:00:00Z");
  private static final NodeTopology DGX = Shapes.load("dgx-a100-8gpu-nv12");
  private static final NodeTopology L40S = Shapes.load("l40s-8gpu-pcie-node-sys");

  KubernetesMockServer server;
  KubernetesClient mockClient;
  /** The mock's client with fabric8's own retries off, as the agent configures it: RetryPolicy retries. */
  private KubernetesClient client;

  private final List<Duration> slept = new ArrayList<>();
  private Publisher publisher;

  @BeforeEach
  void nodeWithAnUnrelatedAnnotation() throws InterruptedException {
    client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(mockClient.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE)
        .addToAnnotations("example.com/owner", "infra").endMetadata().build()).create();
    Fabric8NodeAnnotations node = new Fabric8NodeAnnotations(client, NODE, new RequestPacer(1000, System::nanoTime, d -> {}));
    RetryPolicy retry = new RetryPolicy(5, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30)),
        node::isTransient, slept::add, () -> 0.5);
    publisher = new Publisher(node, retry, Clock.fixed(FAILED_AT, ZoneOffset.UTC));
    writes();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private Map<String, String> annotations() {
    return client.nodes().withName(NODE).get().getMetadata().getAnnotations();
  }

  /** PATCH/PUT/POST requests the server received since the last call (the test's own reads excluded). */
  private int writes() throws InterruptedException {
    int n = 0;
    for (RecordedRequest r; (r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null; ) {
      if (!r.getMethod().equals("GET")) {
        n++;
      }
    }
    return n;
  }

  @Test
  @DisplayName("first run patches the topology onto the node, leaving other annotations alone")
  void firstRunPatches() throws InterruptedException {
    assertThat(publisher.published(DGX)).isEqualTo(Outcome.PUBLISHED);

    assertThat(writes()).isEqualTo(1);
    assertThat(annotations()).containsEntry(Keys.TOPOLOGY, TopologyCodec.encode(DGX))
        .containsEntry("example.com/owner", "infra").doesNotContainKey(Keys.TOPOLOGY_STALE);
    assertThat(TopologyCodec.decode(annotations().get(Keys.TOPOLOGY)).links()).isEqualTo(DGX.links());
  }

  @Test
  @DisplayName("unchanged topology: zero writes over five cycles")
  void steadyStateWritesNothing() throws InterruptedException {
    publisher.published(DGX);
    writes();

    for (int cycle = 0; cycle < 5; cycle++) {
      assertThat(publisher.published(Shapes.load("dgx-a100-8gpu-nv12"))).isEqualTo(Outcome.UNCHANGED);
    }
    assertThat(writes()).isZero();
  }

  @Test
  @DisplayName("a changed topology patches once, then is steady again")
  void changePatchesOnce() throws InterruptedException {
    publisher.published(DGX);
    writes();

    assertThat(publisher.published(L40S)).isEqualTo(Outcome.PUBLISHED);
    assertThat(publisher.published(L40S)).isEqualTo(Outcome.UNCHANGED);

    assertThat(writes()).isEqualTo(1);
    assertThat(annotations()).containsEntry(Keys.TOPOLOGY, TopologyCodec.encode(L40S));
  }

  @Test
  @DisplayName("API errors (503, 429) are retried with backoff, then the patch lands")
  void apiErrorsAreRetried() throws InterruptedException {
    server.expect().get().withPath("/api/v1/nodes/" + NODE).andReturn(503, "unavailable").once();
    server.expect().patch().withPath("/api/v1/nodes/" + NODE).andReturn(429, "slow down").once();

    assertThat(publisher.published(DGX)).isEqualTo(Outcome.PUBLISHED);

    assertThat(slept).containsExactly(Duration.ofMillis(150), Duration.ofMillis(150));
    assertThat(annotations()).containsEntry(Keys.TOPOLOGY, TopologyCodec.encode(DGX));
  }

  @Test
  @DisplayName("403 (RBAC or admission policy) is not retried and surfaces")
  void forbiddenIsNotRetried() {
    server.expect().patch().withPath("/api/v1/nodes/" + NODE).andReturn(403, "forbidden").once();

    assertThatThrownBy(() -> publisher.published(DGX))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    assertThat(slept).isEmpty();
  }

  @Test
  @DisplayName("NVML failure keeps the value, marks it stale once with the failure time; recovery clears the mark")
  void nvmlFailureMarksStale() throws InterruptedException {
    publisher.published(DGX);
    writes();

    assertThat(publisher.probeFailed()).isEqualTo(Outcome.MARKED_STALE);
    assertThat(annotations()).containsEntry(Keys.TOPOLOGY, TopologyCodec.encode(DGX))
        .containsEntry(Keys.TOPOLOGY_STALE, "2026-11-22T06:00:00Z");
    assertThat(publisher.probeFailed()).isEqualTo(Outcome.STILL_STALE);
    assertThat(writes()).isEqualTo(1);

    assertThat(publisher.published(DGX)).isEqualTo(Outcome.PUBLISHED);
    assertThat(annotations()).containsEntry(Keys.TOPOLOGY, TopologyCodec.encode(DGX));
    // the merge patch sends "topology-stale": null; a real API server deletes the key, the mock keeps it as null
    assertThat(annotations().get(Keys.TOPOLOGY_STALE)).isNull();
    assertThat(writes()).isEqualTo(1);
  }

  @Test
  @DisplayName("NVML failure before anything was published: nothing to keep, no write")
  void failureBeforeFirstPublish() throws InterruptedException {
    assertThat(publisher.probeFailed()).isEqualTo(Outcome.NOTHING_PUBLISHED);
    assertThat(writes()).isZero();
  }
}
