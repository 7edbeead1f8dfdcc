package io.topogpu.scheduler.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.model.Assignment;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A single pod's bind as sent to the API server: one POST of the binding carrying the UID and the
 * annotation; on 409 one GET tells a retried bind from a conflict.
 */
@EnableKubernetesMockClient(crud = false, https = false)
class KubeBinderIT {
  private static final String POD = "/api/v1/namespaces/train/pods/job-1";
  private static final String BINDING = POD + "/binding";
  private static final Assignment GPUS_2_3 = Assignment.whole("dgx", List.of(2, 3), List.of("", ""));
  private static final String GPUS_2_3_VALUE = "{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":2},{\"index\":3}]}";
  private static final BindTarget TARGET = new BindTarget("train", "job-1", "uid-1", "dgx", Optional.of(GPUS_2_3));

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  @DisplayName("one request: the binding carries the pod's UID, the node and topogpu.io/gpus")
  void oneRequestPerBind() throws Exception {
    server.expect().post().withPath(BINDING).andReturn(201, "{\"kind\":\"Status\",\"status\":\"Success\"}").once();

    new KubeBinder(client).bind(TARGET);

    assertThat(server.getRequestCount()).isEqualTo(1);
    var request = server.getLastRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getPath()).isEqualTo(BINDING);
    assertThat(request.getBody().readUtf8()).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{"
        + "\"annotations\":{\"topogpu.io/gpus\":" + quoted(GPUS_2_3_VALUE) + "},"
        + "\"name\":\"job-1\",\"namespace\":\"train\",\"uid\":\"uid-1\"},"
        + "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"dgx\"}}");
  }

  @Test
  @DisplayName("a pod asking for no managed resource is bound without annotations")
  void noDevicesNoAnnotation() throws Exception {
    server.expect().post().withPath(BINDING).andReturn(201, "{\"kind\":\"Status\",\"status\":\"Success\"}").once();

    new KubeBinder(client).bind(new BindTarget("train", "job-1", "uid-1", "dgx", Optional.empty()));

    assertThat(server.getLastRequest().getBody().readUtf8()).doesNotContain("annotations");
  }

  @Test
  @DisplayName("409, and the pod is bound here with this annotation: a retried bind, success after one GET")
  void conflictOfARetriedBind() {
    conflict("dgx");
    server.expect().get().withPath(POD).andReturn(200, pod("uid-1", "dgx", GPUS_2_3_VALUE)).once();

    new KubeBinder(client).bind(TARGET);

    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  @DisplayName("409, and the pod is bound to another node: the bind fails naming the API server's answer")
  void conflictBoundElsewhere() {
    conflict("other");
    server.expect().get().withPath(POD).andReturn(200, pod("uid-1", "other", GPUS_2_3_VALUE)).once();

    assertThatThrownBy(() -> new KubeBinder(client).bind(TARGET)).isInstanceOf(BindException.class)
        .hasMessageContaining("binding pod train/job-1 to node dgx failed (HTTP 409)")
        .hasMessageContaining("already assigned to node \"other\"");
  }

  @Test
  @DisplayName("409, bound here but with other devices recorded: a conflict, not a retry")
  void conflictOtherDevices() {
    conflict("dgx");
    server.expect().get().withPath(POD)
        .andReturn(200, pod("uid-1", "dgx", "{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":0}]}")).once();

    assertThatThrownBy(() -> new KubeBinder(client).bind(TARGET)).isInstanceOf(BindException.class)
        .hasMessageContaining("HTTP 409");
  }

  @Test
  @DisplayName("409, and the pod under that name has another UID: refused, naming both UIDs")
  void conflictRecreatedPod() {
    conflict("dgx");
    server.expect().get().withPath(POD).andReturn(200, pod("uid-2", "dgx", GPUS_2_3_VALUE)).once();

    assertThatThrownBy(() -> new KubeBinder(client).bind(TARGET)).isInstanceOf(BindException.class)
        .hasMessage("pod train/job-1 has UID uid-2, the bind is for UID uid-1");
  }

  @Test
  @DisplayName("404: the pod is gone, the bind fails without a second request")
  void missingPod() {
    server.expect().post().withPath(BINDING).andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound")
        .withMessage("pods \"job-1\" not found").build()).once();

    assertThatThrownBy(() -> new KubeBinder(client).bind(TARGET)).isInstanceOf(BindException.class)
        .hasMessageContaining("binding pod train/job-1 to node dgx failed");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  /** What kube-apiserver 1.20 answers a binding of a pod already bound to {@code node}. */
  private void conflict(String node) {
    server.expect().post().withPath(BINDING).andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
        .withMessage("Operation cannot be fulfilled on pods/binding \"job-1\": pod job-1 is already assigned to node "
            + "\"" + node + "\"").build()).once();
  }

  private static Pod pod(String uid, String node, String gpus) {
    return new PodBuilder().withNewMetadata().withName("job-1").withNamespace("train").withUid(uid)
        .addToAnnotations("topogpu.io/gpus", gpus).endMetadata()
        .withNewSpec().withNodeName(node).endSpec().build();
  }

  private static String quoted(String json) {
    return "\"" + json.replace("\"", "\\\"") + "\"";
  }
}
