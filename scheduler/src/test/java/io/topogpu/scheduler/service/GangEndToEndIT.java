package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.gang.GangEvents;
import io.topogpu.scheduler.metrics.GangMetrics;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GangPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Gangs end to end: the kube-scheduler-order driver against the extender with gangs on, against
 * the mock API server. Every member asks for 8 GPUs of an 8-GPU DGX node, so a gang of n needs n
 * whole nodes.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class GangEndToEndIT {
  KubernetesMockServer server;
  KubernetesClient client;
  GangCluster cluster;
  GangExtender extender;
  GangExtender restarted;

  @BeforeEach
  void cluster() {
    cluster = new GangCluster(server, client);
  }

  @AfterEach
  void stop() {
    for (GangExtender e : new GangExtender[] {extender, restarted}) {
      if (e != null) {
        e.close();
      }
    }
  }

  @Test
  @DisplayName("a 4×8-GPU gang on two leaves (3 and 4 nodes) lands wholly in the leaf of 4")
  void gangLandsInTheLeafThatFits() {
    cluster.leaf("l1", "a", 3).leaf("l2", "b", 4);
    extender = GangExtender.synced(client, 1);
    List<Pod> gang = cluster.gang("train", 4, 8);

    List<Outcome> outcomes = GangExtender.join(extender.scheduleAll(gang, cluster.nodes()));

    assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Bound.class));
    cluster.awaitBound(gang);
    assertThat(gang).extracting(p -> cluster.boundNode(p.getMetadata().getName()).orElseThrow())
        .containsExactlyInAnyOrder("b-1", "b-2", "b-3", "b-4");
    Assignment first = cluster.annotation("train-0").orElseThrow();
    GangPlan plan = first.gang().orElseThrow();
    assertThat(plan.size()).isEqualTo(4);
    assertThat(plan.plan()).hasSize(4).containsEntry("train-0", first.node());
    MockApi.await(() -> cluster.eventReasons("train-0").contains(GangEvents.STARTED), "GangStarted event");
    assertThat(cluster.eventMessages("train-0", GangEvents.PLANNED)).singleElement().asString()
        .contains("leaf", "l2");
    assertThat(extender.metrics.registry().get(GangMetrics.TIME_TO_START).timer().count()).isEqualTo(1);
  }

  @Test
  @DisplayName("two gangs that fit only one at a time: one runs whole, the other waits whole, then runs")
  void twoGangsNeverBothPartlyPlaced() {
    cluster.leaf("l1", "a", 4);
    extender = GangExtender.synced(client, 2);
    List<Pod> a = cluster.gang("ga", 4, 8);
    List<Pod> b = cluster.gang("gb", 4, 8);
    List<Pod> interleaved = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      interleaved.add(a.get(i));
      interleaved.add(b.get(i));
    }

    List<Outcome> outcomes = GangExtender.join(extender.scheduleAll(interleaved, cluster.nodes()));

    long boundA = outcomes.stream().filter((o) -> o instanceof Outcome.Bound).count();
    assertThat(boundA).isEqualTo(4);
    for (int i = 0; i < 8; i++) {
      assertThat(outcomes.get(i)).isInstanceOf(i % 2 == 0 ? Outcome.Bound.class : Outcome.Unschedulable.class);
    }
    Outcome.Unschedulable waiting = (Outcome.Unschedulable) outcomes.get(1);
    assertThat(waiting.failed().values()).first().asString().contains("gang default/gb needs 4×8 GPUs");
    assertThat(b).allSatisfy(p -> assertThat(cluster.boundNode(p.getMetadata().getName())).isEmpty());

    a.forEach(p -> cluster.delete(p.getMetadata().getName()));
    MockApi.await(() -> extender.state.nodes().stream().allMatch(n -> n.pods().isEmpty()), "gang ga gone");
    assertThat(GangExtender.join(extender.scheduleAll(b, cluster.nodes())))
        .allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Bound.class));
    assertThat(cluster.gpusRecordedTwice()).isEmpty();
  }

  @Test
  @DisplayName("a gang larger than the cluster is rejected at once, on its first member, with the reason")
  void gangLargerThanTheClusterIsRejectedAtOnce() {
    cluster.leaf("l1", "a", 2).leaf("l2", "b", 2);
    extender = GangExtender.synced(client, 3);
    List<Pod> gang = cluster.gang("huge", 5, 8);

    Outcome first = GangExtender.join(extender.scheduleAll(gang.subList(0, 1), cluster.nodes())).get(0);

    assertThat(first).isInstanceOf(Outcome.Unschedulable.class);
    Outcome.Unschedulable u = (Outcome.Unschedulable) first;
    assertThat(u.unresolvable()).containsOnlyKeys(cluster.nodes());
    assertThat(u.unresolvable().get("a-1")).contains("gang default/huge needs 5×8 GPUs");
    MockApi.await(() -> cluster.eventReasons("huge-0").contains(GangEvents.UNSCHEDULABLE), "event");
  }

  @Test
  @DisplayName("a member deleted while others wait at the barrier: every waiting bind fails, the gang retries whole")
  void memberDeletedAtTheBarrierReleasesTheGang() {
    cluster.leaf("l1", "a", 3);
    extender = GangExtender.synced(client, 4);
    List<Pod> gang = cluster.gang("g", 3, 8);
    List<CompletableFuture<Outcome>> waiting = extender.scheduleAll(gang.subList(0, 2), cluster.nodes());
    MockApi.await(() -> extender.gangs.coordinator().waitingGangs() == 1, "gang planned");
    MockApi.await(() -> cluster.eventReasons("g-1").contains(GangEvents.WAITING), "g-1 at the barrier");

    cluster.delete("g-1");

    assertThat(GangExtender.join(waiting)).allSatisfy(o -> {
      assertThat(o).isInstanceOf(Outcome.Failed.class);
      assertThat(((Outcome.Failed) o).error()).contains("member default/g-1 was deleted");
    });
    assertThat(extender.state.nodes()).allSatisfy(n -> assertThat(n.reservations()).isEmpty());
    Pod again = cluster.pod("g-1", 8, java.util.Map.of(), gang.get(1).getMetadata().getAnnotations());
    assertThat(GangExtender.join(extender.scheduleAll(List.of(gang.get(0), again, gang.get(2)), cluster.nodes())))
        .allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Bound.class));
    assertThat(cluster.gpusRecordedTwice()).isEmpty();
  }

  @Test
  @DisplayName("an extender restart mid-gang: nothing double-booked, and the gang completes on the new one")
  void restartMidGang() {
    cluster.leaf("l1", "a", 4).leaf("l2", "b", 2);
    extender = GangExtender.synced(client, 5);
    List<Pod> done = cluster.gang("done", 2, 8);
    assertThat(GangExtender.join(extender.scheduleAll(done, cluster.nodes())))
        .allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Bound.class));
    cluster.awaitBound(done);
    List<Pod> gang = cluster.gang("mid", 4, 8);
    List<CompletableFuture<Outcome>> waiting = extender.scheduleAll(gang.subList(0, 2), cluster.nodes());
    MockApi.await(() -> cluster.eventReasons("mid-1").contains(GangEvents.WAITING), "mid-1 at the barrier");

    extender.close();
    assertThat(GangExtender.join(waiting)).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Failed.class));
    extender = null;
    restarted = GangExtender.synced(client, 5);

    assertThat(GangExtender.join(restarted.scheduleAll(gang, cluster.nodes())))
        .allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Bound.class));
    cluster.awaitBound(gang);
    assertThat(cluster.gpusRecordedTwice()).isEmpty();
    List<String> all = new ArrayList<>();
    done.forEach(p -> all.add(cluster.boundNode(p.getMetadata().getName()).orElseThrow()));
    gang.forEach(p -> all.add(cluster.boundNode(p.getMetadata().getName()).orElseThrow()));
    assertThat(all).doesNotHaveDuplicates().hasSize(6);
  }

  @Test
  @DisplayName("kube-scheduler's filters take a planned node away: the member is re-planned, the waiting one stays")
  void plannedNodeTakenAwayIsReplanned() {
    cluster.leaf("l1", "a", 2).leaf("l2", "b", 3);
    extender = GangExtender.synced(client, 6);
    List<Pod> gang = cluster.gang("g", 2, 8);
    List<CompletableFuture<Outcome>> first = extender.scheduleAll(gang.subList(0, 1), cluster.nodes());
    MockApi.await(() -> cluster.eventReasons("g-0").contains(GangEvents.WAITING), "g-0 at the barrier");
    assertThat(cluster.eventMessages("g-0", GangEvents.PLANNED)).singleElement().asString().contains("leaf=l1");

    List<String> withoutLeafL1 = List.of("b-1", "b-2", "b-3");
    Outcome second = GangExtender.join(extender.scheduleAll(gang.subList(1, 2), withoutLeafL1)).get(0);

    assertThat(second).isInstanceOf(Outcome.Bound.class);
    assertThat(((Outcome.Bound) second).node()).isIn(withoutLeafL1);
    assertThat(first.get(0).join()).isInstanceOf(Outcome.Bound.class);
    assertThat(((Outcome.Bound) first.get(0).join()).node()).startsWith("a-");
    MockApi.await(() -> cluster.eventReasons("g-1").contains(GangEvents.REPLANNED), "GangReplanned on g-1");
    assertThat(cluster.gpusRecordedTwice()).isEmpty();
  }
}
