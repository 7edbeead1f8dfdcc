package io.topogpu.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.topogpu.e2e.harness.KubeBinaries;
import io.topogpu.e2e.harness.KubeCluster;
import io.topogpu.e2e.harness.Wait;
import io.topogpu.e2e.support.Allocations;
import io.topogpu.e2e.support.Pods;
import io.topogpu.e2e.support.RealKubernetes;
import io.topogpu.topology.Keys;
import io.topogpu.topology.shapes.Shapes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The extender is SIGKILLed (no drain, no shutdown hook) at seeded random points of a stream of
 * single pods and gangs, and started again each time: the ledger it rebuilds from the real API
 * server never gives a GPU twice (checked after every kill and all along), every gang ends whole,
 * and every pod that fits ends up bound. Cluster: four DGX A100 (32 GPUs) in two leaves; the
 * stream asks for 28.
 *
 * <p>A gang's bindings are N API calls, so while a gang is being written an observer sees it part
 * bound for milliseconds; that is not checked. After a kill nothing writes: a gang found part
 * bound then was cut mid-write, and must be made whole by the restarted extender.
 */
class RestartE2EIT {
  static final long SEED = 20261204L;
  static KubeBinaries bin;
  static KubeCluster cluster;

  @BeforeAll
  static void cluster() {
    bin = RealKubernetes.binariesOrSkip();
    cluster = KubeCluster.start(bin, "restart");
    for (String n : List.of("a-1", "a-2")) {
      cluster.node(n, Shapes.load("dgx-a100-8gpu-nv12"), Map.of(Keys.LABEL_LEGACY_LEAF, "l1"));
    }
    for (String n : List.of("b-1", "b-2")) {
      cluster.node(n, Shapes.load("dgx-a100-8gpu-nv12"), Map.of(Keys.LABEL_LEGACY_LEAF, "l2"));
    }
    cluster.startExtender();
    cluster.startKubeScheduler(bin);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("SIGKILL at random points of a stream of pods and gangs: no GPU twice, no gang partly bound, all bound")
  void killedAndRestartedMidStream() {
    List<Pod> stream = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      stream.add(Pods.named("one-" + i).gpus(1).build());
    }
    for (int i = 0; i < 2; i++) {
      stream.add(Pods.named("two-" + i).gpus(2).build());
    }
    stream.add(Pods.named("four-0").gpus(4).build());
    for (String g : List.of("g1", "g2")) {
      for (int m = 0; m < 2; m++) {
        stream.add(Pods.named(g + "-" + m).gpus(4).gang(g, 2).build());
      }
    }
    Random random = new Random(SEED);
    List<Integer> kills = new ArrayList<>();
    List<String> cutMidWrite = new ArrayList<>();
    int restarts = 0;
    for (int i = 0; i < stream.size(); i++) {
      cluster.create(stream.get(i));
      if (random.nextInt(4) == 0) {
        Wait.sleep(random.nextInt(1500));
        cluster.killExtender();
        kills.add(i);
        assertNoGpuTwice("after kill " + kills.size());
        cutMidWrite.addAll(partlyBound());
        cluster.startExtender();
        restarts++;
      }
    }
    assertThat(restarts).as("kills at stream positions %s", kills).isGreaterThanOrEqualTo(2);

    Wait.until(Duration.ofSeconds(180), "every pod bound (4 x 1 + 2 x 2 + 4 + 2 gangs of 2 x 4 = 28 of 32 GPUs)", () -> {
      assertNoGpuTwice("while settling");
      return bound().size() == stream.size();
    });
    assertNoGpuTwice("at the end");
    assertThat(partlyBound()).as("gangs part bound at the end (cut mid-write by a kill: %s)", cutMidWrite)
        .isEmpty();
  }

  private static void assertNoGpuTwice(String when) {
    assertThat(Allocations.read(cluster.admin()).conflicts()).as("GPUs held twice " + when).isEmpty();
  }

  /** Gangs of which some members are bound and some are not. */
  private static List<String> partlyBound() {
    Map<String, List<Boolean>> gangs = new TreeMap<>();
    for (Pod p : cluster.admin().pods().inNamespace("default").list().getItems()) {
      String gang = p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(Keys.GANG);
      if (gang != null) {
        gangs.computeIfAbsent(gang, g -> new ArrayList<>()).add(p.getSpec().getNodeName() != null);
      }
    }
    List<String> partly = new ArrayList<>();
    gangs.forEach((gang, members) -> {
      boolean all = members.size() == 2 && members.stream().allMatch(b -> b);
      boolean none = members.stream().noneMatch(b -> b);
      if (!all && !none) {
        partly.add(gang + " " + members);
      }
    });
    return partly;
  }

  private static List<String> bound() {
    return cluster.admin().pods().inNamespace("default").list().getItems().stream()
        .filter(p -> p.getSpec().getNodeName() != null).map(p -> p.getMetadata().getName())
        .collect(Collectors.toList());
  }

}
