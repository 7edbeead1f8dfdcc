package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.state.InformerSource;
import io.topogpu.topology.Keys;
import io.topogpu.topology.shapes.Shapes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A running pod whose {@code topogpu.io/gpus} was edited into something unreadable keeps its GPUs
 * at start-up (informer mode): it is counted as unannotated, metered, and named in an Event; no
 * later bind is given a GPU it holds.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class UnreadableAssignmentIT {
  KubernetesMockServer server;
  KubernetesClient client;
  LiveExtender extender;

  @AfterEach
  void stop() {
    if (extender != null) {
      extender.close();
    }
  }

  @Test
  void aRunningPodWithAnUnreadableAnnotationStillHoldsItsGpus() {
    MockApi api = new MockApi(server, client);
    api.node("dgx", Shapes.load("dgx-a100-8gpu-nv12"));
    api.running("broken", 6, "dgx", Map.of(Keys.GPUS, "{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":"));

    extender = LiveExtender.synced(client, 1);

    assertThat(extender.state.holding("default/broken").orElseThrow().gpus()).hasSize(6);
    assertThat(Long.bitCount(extender.state.node("dgx").orElseThrow().freeMask())).isEqualTo(2);
    assertThat(extender.state.unreadableAssignments()).isEqualTo(1);
    // 2 GPUs are left: a 4-GPU pod does not fit, a 2-GPU one gets the two free ones
    assertThat(extender.schedule(api.gpus("four", 4), List.of("dgx")))
        .isInstanceOf(Outcome.Unschedulable.class);
    assertThat(extender.schedule(api.gpus("two", 2), List.of("dgx")))
        .isInstanceOf(Outcome.Bound.class);
    api.awaitBound("two");
    assertThat(api.annotation("two").orElseThrow().gpus())
        .doesNotContainAnyElementsOf(extender.state.holding("default/broken").orElseThrow().gpus());
    MockApi.await(() -> events().stream()
        .anyMatch(e -> e.getReason().equals(InformerSource.UNREADABLE_REASON)), "the Event");
    Event event = events().stream()
        .filter(e -> e.getReason().equals(InformerSource.UNREADABLE_REASON)).findFirst().orElseThrow();
    assertThat(event.getInvolvedObject().getName()).isEqualTo("broken");
    assertThat(event.getMessage()).startsWith("metadata.annotations[topogpu.io/gpus]: ");
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(MockApi.NS).list().getItems();
  }
}
