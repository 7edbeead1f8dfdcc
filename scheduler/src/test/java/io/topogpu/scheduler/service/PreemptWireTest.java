package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.extender.Routes;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The preempt verb over HTTP, in both of kube-scheduler's forms. Node {@code a} (NVLink pairs
 * {0,1} and {2,3}) runs four 1-GPU pods of priorities 1, 5, 2, 2; the preemptor asks for 2 NVLink
 * GPUs at priority 10, and kube-scheduler's own dry run proposes the two lowest (GPUs 0 and 2):
 * topogpu answers GPUs 2 and 3 instead, in the meta form, with the request's PDB count.
 */
class PreemptWireTest {
  private static final String PREEMPTOR = "{\"metadata\":{\"name\":\"hi\",\"namespace\":\"default\","
      + "\"uid\":\"u-hi\",\"annotations\":{\"topogpu.io/placement-required\":\"nvlink\"}},"
      + "\"spec\":{\"priority\":10,\"containers\":[{\"name\":\"c\",\"resources\":{\"limits\":"
      + "{\"nvidia.com/gpu\":\"2\"}}}]}}";

  private final Placer placer = new Placer(Policy.defaults());
  private final ClusterState state = new ClusterState(placer::attribute);
  private ExtenderServer server;

  @BeforeEach
  void cluster() {
    List<PodInfo> pods = new ArrayList<>();
    int[] priorities = {1, 5, 2, 2};
    for (int g = 0; g < 4; g++) {
      pods.add(MakePod.named("p" + g).gpus(1).on("a").priority(priorities[g])
          .holding(Assignment.whole("a", List.of(g), List.of(""))).obj());
    }
    new SnapshotSource(new Snapshot(List.of(
        MakeNode.named("a").shape("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs").clusterNode()), pods))
        .start(state);
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

  @Test
  void metaFormGetsTheNvlinkPairsVictims() throws Exception {
    HttpResponse<String> r = post("{\"Pod\":" + PREEMPTOR + ",\"NodeNameToVictims\":null,"
        + "\"NodeNameToMetaVictims\":{\"a\":{\"Pods\":[{\"UID\":\"uid-p0\"},{\"UID\":\"uid-p2\"}],"
        + "\"NumPDBViolations\":1}}}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"NodeNameToMetaVictims\":{\"a\":{\"Pods\":[{\"UID\":\"uid-p2\"},"
        + "{\"UID\":\"uid-p3\"}],\"NumPDBViolations\":1}}}");
  }

  @Test
  void fullPodFormUnderTheLegacyKeyIsAnsweredInTheMetaForm() throws Exception {
    HttpResponse<String> r = post("{\"pod\":" + PREEMPTOR + ",\"nodeToVictims\":{\"a\":{\"pods\":["
        + "{\"metadata\":{\"name\":\"p0\",\"namespace\":\"default\",\"uid\":\"uid-p0\"}}],"
        + "\"numPDBViolations\":0}}}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"NodeNameToMetaVictims\":{\"a\":{\"Pods\":[{\"UID\":\"uid-p2\"},"
        + "{\"UID\":\"uid-p3\"}],\"NumPDBViolations\":0}}}");
  }

  @Test
  void aNodeWhereNoEvictionHelpsIsLeftOut() throws Exception {
    HttpResponse<String> r = post("{\"Pod\":" + PREEMPTOR.replace("\"priority\":10", "\"priority\":2")
        + ",\"NodeNameToMetaVictims\":{\"a\":{\"Pods\":[{\"UID\":\"uid-p0\"}]},\"ghost\":{\"Pods\":[]}}}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"NodeNameToMetaVictims\":{}}");
  }

  @Test
  void aVictimWithoutUidIsABadRequestNamingTheField() throws Exception {
    HttpResponse<String> r = post("{\"Pod\":" + PREEMPTOR
        + ",\"NodeNameToMetaVictims\":{\"a\":{\"Pods\":[{\"UID\":\"\"}]}}}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("NodeNameToMetaVictims.a.Pods[0].UID: must be a pod UID, got \\\"\\\"");
  }

  private HttpResponse<String> post(String body) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + Routes.PREEMPT))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json").build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
