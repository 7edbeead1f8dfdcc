package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topogpu.scheduler.bind.InMemoryBinder;
import io.topogpu.scheduler.extender.FilterRequest;
import io.topogpu.scheduler.extender.FilterResponse;
import io.topogpu.scheduler.extender.PreemptRequest;
import io.topogpu.scheduler.extender.PreemptResponse;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.gang.GangSettings;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.metrics.PreemptionMetrics;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.preempt.GangEvictions;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.scheduler.tiers.TierConfig;
import io.topogpu.topology.Keys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A 2×8 gang of priority 10 on three full DGX nodes: d1 runs a low gang (2×4, priority 1), d2 a
 * single 8-GPU pod of priority 2, d3 one of priority 10. The gang's preempt call evicts nothing
 * through kube-scheduler; topogpu evicts the low gang whole and the single pod, holds d1 and d2
 * against other pods, and once the victims are gone the gang is planned there.
 */
class GangPreemptionTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final String DGX = "dgx-a100-8gpu-nv12";

  private final Placer placer = new Placer(Policy.defaults());
  private final ClusterState state = new ClusterState(placer::attribute);
  private final List<String> evicted = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final GangService gangs = GangService.start(state, new InMemoryBinder(), new GangService.Setup(placer,
      TierConfig.defaults(), GangIdentities.withoutPodGroups(),
      new GangSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5)),
      (pod, type, reason, message) -> events.add(pod + " " + reason + ": " + message), new SimpleMeterRegistry(),
      Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1)));
  private final Preemptions preemptions = new Preemptions(state, placer,
      Preemptions.gangOf(GangIdentities.withoutPodGroups()), new GangEvictions(Duration.ofMinutes(5)),
      (ns, name, uid, why) -> evicted.add(ns + "/" + name),
      (pod, type, reason, message) -> events.add(pod + " " + reason + ": " + message),
      new PreemptionMetrics(new SimpleMeterRegistry()), Clock.fixed(NOW, ZoneOffset.UTC), Runnable::run);
  private final TopogpuBackend backend = new TopogpuBackend(state, placer, new InMemoryBinder(), gangs.hook(),
      TopogpuBackend.PodDiscovery.FROM_REQUESTS, preemptions);

  @AfterEach
  void stop() {
    gangs.close();
  }

  @Test
  void theGangEvictsWholeLowerGangsHoldsTheNodesAndStartsThere() {
    new SnapshotSource(new Snapshot(List.of(MakeNode.named("d1").shape(DGX).clusterNode(),
        MakeNode.named("d2").shape(DGX).clusterNode(), MakeNode.named("d3").shape(DGX).clusterNode()),
        List.of(running(MakePod.named("lo-0").annotation(Keys.GANG, "lo").annotation(Keys.GANG_SIZE, "2"), "d1", 1,
                0, 1, 2, 3),
            running(MakePod.named("lo-1").annotation(Keys.GANG, "lo").annotation(Keys.GANG_SIZE, "2"), "d1", 1,
                4, 5, 6, 7),
            running(MakePod.named("single"), "d2", 2, 0, 1, 2, 3, 4, 5, 6, 7),
            running(MakePod.named("peer"), "d3", 10, 0, 1, 2, 3, 4, 5, 6, 7))))
        .start(state);
    List<String> nodes = List.of("d1", "d2", "d3");
    Pod hi0 = member("hi-0");

    FilterResponse before = backend.filter(FilterRequest.withNodeNames(hi0, nodes));
    assertThat(before.feasible()).isEmpty();

    PreemptResponse answer = backend.preempt(new PreemptRequest(hi0,
        Map.of("d1", new PreemptRequest.NodeVictims(List.of("uid-lo-0"), 0))));

    assertThat(answer.kept()).as("kube-scheduler evicts nothing for one member").isEmpty();
    assertThat(evicted).containsExactlyInAnyOrder("default/lo-0", "default/lo-1", "default/single");
    assertThat(gangs.coordinator().hold().orElseThrow().nodes()).containsExactlyInAnyOrder("d1", "d2");
    assertThat(events).anyMatch(e -> e.startsWith("default/hi-0 PreemptionPlanned: gang default/hi: nodes [d1, d2]"
        + " (cluster) held; evicting default/lo-0, default/lo-1, default/single (highest priority 2, 3 pods"));
    assertThat(backend.preempt(new PreemptRequest(member("hi-1"), Map.of()))).as("once per gang")
        .isEqualTo(PreemptResponse.none());
    assertThat(evicted).hasSize(3);

    evicted.forEach(state::removePod); // the victims are gone
    Pod low = new PodBuilder().withNewMetadata().withName("low").withNamespace("default").endMetadata()
        .withNewSpec().withPriority(0).addNewContainer().withName("c").withNewResources()
        .addToLimits(Keys.RESOURCE_GPU, new Quantity("1")).endResources().endContainer().endSpec().build();
    assertThat(backend.filter(FilterRequest.withNodeNames(low, List.of("d1", "d2"))).feasible())
        .as("held for the gang").isEmpty();

    FilterResponse after = backend.filter(FilterRequest.withNodeNames(hi0, nodes));
    assertThat(after.feasible()).hasSize(1).isSubsetOf("d1", "d2");
    assertThat(state.node("d1").orElseThrow().reservations().size() + state.node("d2").orElseThrow().reservations().size())
        .as("both members reserved").isEqualTo(2);
  }

  private static Pod member(String name) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withUid("uid-" + name)
        .addToAnnotations(Keys.GANG, "hi").addToAnnotations(Keys.GANG_SIZE, "2").endMetadata()
        .withNewSpec().withPriority(10).addNewContainer().withName("c").withNewResources()
        .addToLimits(Keys.RESOURCE_GPU, new Quantity("8")).endResources().endContainer().endSpec().build();
  }

  private static PodInfo running(MakePod pod, String node, int priority, int... gpus) {
    List<Integer> list = new ArrayList<>();
    List<String> uuids = new ArrayList<>();
    for (int g : gpus) {
      list.add(g);
      uuids.add("");
    }
    return pod.gpus(gpus.length).on(node).priority(priority).startedAt(NOW.minus(Duration.ofHours(1)))
        .holding(Assignment.whole(node, list, uuids)).obj();
  }
}
