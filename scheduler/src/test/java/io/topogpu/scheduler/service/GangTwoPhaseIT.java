package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.gang.GangEvents;
import io.topogpu.topology.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The two-phase gang write against the mock API server: a gang of 4 × 8 GPUs on a leaf of four
 * 8-GPU DGX nodes, where the API server refuses one member's write. No member runs without the
 * others: a refused annotation binds nobody, a refused binding undoes the bound members that a
 * controller will recreate.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class GangTwoPhaseIT {
  private static final Map<String, String> GANG = Map.of(Keys.GANG, "g", Keys.GANG_SIZE, "4");
  KubernetesMockServer server;
  KubernetesClient client;
  GangCluster cluster;
  GangExtender extender;

  @BeforeEach
  void cluster() {
    cluster = new GangCluster(server, client).leaf("l1", "a", 4);
  }

  @AfterEach
  void stop() {
    if (extender != null) {
      extender.close();
    }
  }

  @Test
  @DisplayName("one member's annotation patch refused: no binding posted, no member bound; the retry binds all four")
  void refusedAnnotationBindsNobody() {
    extender = GangExtender.synced(client, 11);
    List<Pod> gang = cluster.gang("g", 4, 8);
    cluster.refuseNextPatch("g-2");

    List<Outcome> first = GangExtender.join(extender.scheduleAll(gang, cluster.nodes()));

    assertThat(first).allSatisfy(o -> {
      assertThat(o).isInstanceOf(Outcome.Failed.class);
      assertThat(((Outcome.Failed) o).error()).contains("gang default/g: writing topogpu.io/gpus on pod default/g-2",
          "HTTP 409", "no member was bound");
    });
    assertThat(cluster.bindingsPosted()).isZero();
    assertThat(gang).allSatisfy(p -> assertThat(cluster.boundNode(p.getMetadata().getName())).isEmpty());
    assertThat(extender.state.nodes()).allSatisfy(n -> {
      assertThat(n.pods()).isEmpty();
      assertThat(n.reservations()).isEmpty();
    });
    MockApi.await(() -> cluster.eventReasons("g-0").contains(GangEvents.BIND_FAILED), "GangBindFailed on g-0");

    List<Outcome> retry = GangExtender.join(extender.scheduleAll(gang, cluster.nodes()));

    assertThat(retry).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Bound.class));
    cluster.awaitBound(gang);
    assertThat(gang).extracting(p -> cluster.boundNode(p.getMetadata().getName()).orElseThrow())
        .containsExactlyInAnyOrder("a-1", "a-2", "a-3", "a-4");
    assertThat(cluster.bindingsPosted()).isEqualTo(4);
    assertThat(cluster.gpusRecordedTwice()).isEmpty();
  }

  @Test
  @DisplayName("one binding refused after the others: Job-owned members deleted and recreated, the bare pod kept and warned")
  void refusedBindingUndoesTheControlledMembers() {
    extender = GangExtender.synced(client, 12);
    cluster.refuseFirstBinding("g-2");
    List<Pod> gang = List.of(
        cluster.pod("g-0", 8, Map.of(), GANG, "train"),
        cluster.pod("g-1", 8, Map.of(), GANG, "train"),
        cluster.pod("g-2", 8, Map.of(), GANG, "train"),
        cluster.pod("g-3", 8, Map.of(), GANG, null));

    List<Outcome> first = GangExtender.join(extender.scheduleAll(gang, cluster.nodes()));

    assertThat(((Outcome.Failed) first.get(2)).error()).contains("gang default/g partly bound: binding pod default/g-2");
    for (int i : new int[] {0, 1}) {
      assertThat(((Outcome.Failed) first.get(i)).error()).contains("pod default/g-" + i
          + " was deleted for its controller to recreate");
    }
    assertThat(first.get(3)).isInstanceOf(Outcome.Bound.class);
    assertThat(cluster.exists("g-0")).isFalse();
    assertThat(cluster.exists("g-1")).isFalse();
    assertThat(cluster.boundNode("g-2")).isEmpty();
    cluster.awaitBound(gang.subList(3, 4));
    String kept = cluster.boundNode("g-3").orElseThrow();
    MockApi.await(() -> cluster.eventMessages("g-3", GangEvents.PARTLY_BOUND).stream()
        .anyMatch(m -> m.startsWith("pod default/g-3 runs without its gang")), "GangPartlyBound on g-3");
    MockApi.await(() -> extender.state.holding("default/g-0").isEmpty()
        && extender.state.holding("default/g-1").isEmpty(), "deleted members released");

    List<Pod> recreated = new ArrayList<>(List.of(gang.get(2),
        cluster.pod("g-4", 8, Map.of(), GANG, "train"), cluster.pod("g-5", 8, Map.of(), GANG, "train")));
    List<Outcome> retry = GangExtender.join(extender.scheduleAll(recreated, cluster.nodes()));

    assertThat(retry).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Bound.class));
    cluster.awaitBound(recreated);
    List<String> nodes = new ArrayList<>(List.of(kept));
    recreated.forEach(p -> nodes.add(cluster.boundNode(p.getMetadata().getName()).orElseThrow()));
    assertThat(nodes).containsExactlyInAnyOrder("a-1", "a-2", "a-3", "a-4");
    assertThat(cluster.gpusRecordedTwice()).isEmpty();
  }
}
