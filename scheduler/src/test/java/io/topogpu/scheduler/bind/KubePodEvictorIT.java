package io.topogpu.scheduler.bind;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** Eviction as sent to the API server: a DELETE carrying the pod UID as precondition. */
@EnableKubernetesMockClient(crud = false, https = false)
class KubePodEvictorIT {
  private static final String PATH = "/api/v1/namespaces/train/pods/job-1";

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void deletesWithTheUidAsPrecondition() throws Exception {
    server.expect().delete().withPath(PATH).andReturn(200,
        new PodBuilder().withNewMetadata().withName("job-1").withNamespace("train").endMetadata().build()).once();

    boolean evicted = new KubePodEvictor(client).evict("train", "job-1", "uid-1", "gang lost a member");

    assertThat(evicted).isTrue();
    var request = server.getLastRequest();
    assertThat(request.getMethod()).isEqualTo("DELETE");
    assertThat(request.getPath()).isEqualTo(PATH);
    assertThat(request.getBody().readUtf8()).contains("\"preconditions\":{\"uid\":\"uid-1\"}");
  }

  @Test
  void aPodRecreatedUnderAnotherUidIsNotEvicted() {
    server.expect().delete().withPath(PATH).andReturn(409, "{\"kind\":\"Status\",\"code\":409,"
        + "\"message\":\"Precondition failed: UID in precondition: uid-1, UID in object meta: uid-2\"}").once();

    assertThat(new KubePodEvictor(client).evict("train", "job-1", "uid-1", "why")).isFalse();
  }

  @Test
  void aPodAlreadyGoneIsNotEvicted() {
    server.expect().delete().withPath(PATH).andReturn(404, "{\"kind\":\"Status\",\"code\":404}").once();

    assertThat(new KubePodEvictor(client).evict("train", "job-1", "uid-1", "why")).isFalse();
  }
}
