package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.scheduler.driver.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random rounds through the whole extender (HTTP, informers, barrier, API binds): several
 * gangs (2–3 members of 4 or 8 GPUs, each fitting the empty cluster) and single pods, all pending
 * pods shuffled together and scheduled in kube-scheduler's order with asynchronous binds. After
 * every round, read back from the API server: no GPU is recorded twice and every gang is bound
 * wholly or not at all. Between rounds, gangs that run finish and some single pods end. Every gang
 * runs within the rounds allowed.
 *
 * <p>Cluster: leaves l1 = a-1..3 and l2 = b-1..3 of 8-GPU DGX A100 nodes.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class GangRandomIT {
  private static final int ROUNDS = 12;

  KubernetesMockServer server;
  KubernetesClient client;
  GangCluster cluster;
  GangExtender extender;

  @BeforeEach
  void cluster() {
    cluster = new GangCluster(server, client).leaf("l1", "a", 3).leaf("l2", "b", 3);
  }

  @AfterEach
  void stop() {
    if (extender != null) {
      extender.close();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 19})
  void gangsAndSinglePodsInterleaved(long seed) {
    Random r = new Random(seed);
    extender = GangExtender.synced(client, seed);
    Map<String, List<Pod>> gangs = new LinkedHashMap<>();
    for (int g = 0; g < 4; g++) {
      String name = "g" + g;
      gangs.put(name, cluster.gang(name, 2 + r.nextInt(2), r.nextBoolean() ? 8 : 4));
    }
    List<Pod> singles = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      singles.add(cluster.pod("s" + s, 1 + r.nextInt(4), Map.of(), Map.of()));
    }
    Map<String, List<Pod>> running = new LinkedHashMap<>();
    List<String> finished = new ArrayList<>();

    for (int round = 0; round < ROUNDS && finished.size() < gangs.size(); round++) {
      List<Pod> pending = new ArrayList<>();
      gangs.forEach((g, pods) -> {
        if (!running.containsKey(g) && !finished.contains(g)) {
          pending.addAll(pods);
        }
      });
      singles.stream().filter(p -> cluster.boundNode(p.getMetadata().getName()).isEmpty()).forEach(pending::add);
      Collections.shuffle(pending, r);

      List<Outcome> outcomes = GangExtender.join(extender.scheduleAll(pending, cluster.nodes()));

      for (int i = 0; i < pending.size(); i++) {
        if (outcomes.get(i) instanceof Outcome.Bound) {
          String name = pending.get(i).getMetadata().getName();
          MockApi.await(() -> cluster.boundNode(name).isPresent(), name + " bound");
        }
      }
      int at = round;
      assertThat(cluster.gpusRecordedTwice()).as("round %d: GPUs recorded twice", at).isEmpty();
      gangs.forEach((g, pods) -> {
        long bound = pods.stream().filter(p -> cluster.boundNode(p.getMetadata().getName()).isPresent()).count();
        assertThat(bound).as("round %d: members of %s bound", at, g).isIn(0L, (long) pods.size());
        if (bound == pods.size() && !finished.contains(g)) {
          running.put(g, pods);
        }
      });

      // Running gangs finish; about half of the single pods end.
      running.forEach((g, pods) -> {
        pods.forEach(p -> cluster.delete(p.getMetadata().getName()));
        finished.add(g);
      });
      running.clear();
      for (Pod p : singles) {
        if (r.nextBoolean()) {
          cluster.delete(p.getMetadata().getName());
        }
      }
      singles.removeIf(p -> client.pods().inNamespace(GangCluster.NS).withName(p.getMetadata().getName()).get() == null);
      MockApi.await(() -> finished.stream().allMatch(g -> gangs.get(g).stream()
          .noneMatch(p -> extender.state.holding(GangCluster.NS + "/" + p.getMetadata().getName()).isPresent())),
          "finished gangs' GPUs freed");
    }

    assertThat(finished).as("gangs that ran").containsExactlyInAnyOrderElementsOf(gangs.keySet());
  }
}
