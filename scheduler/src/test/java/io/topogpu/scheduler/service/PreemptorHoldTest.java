package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topogpu.scheduler.bind.InMemoryBinder;
import io.topogpu.scheduler.extender.BindRequest;
import io.topogpu.scheduler.extender.BindResponse;
import io.topogpu.scheduler.extender.FilterRequest;
import io.topogpu.scheduler.extender.FilterResponse;
import io.topogpu.scheduler.extender.NodeRejection;
import io.topogpu.scheduler.extender.PreemptRequest;
import io.topogpu.scheduler.extender.PreemptResponse;
import io.topogpu.scheduler.gang.EventRecorder;
import io.topogpu.scheduler.gang.GangIdentities;
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
import io.topogpu.topology.Keys;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GPUs a single preemptor's victims free are its own until it binds. Node a is Azure NC96ads
 * A100 v4 (NVLink pairs {0,1} and {2,3}): x (priority 1) on GPU 0, GPU 1 free, y and z (priority 5)
 * on GPUs 2 and 3. {@code hi} (2 GPUs, NVLink required, priority 10): the pair {0,1} costs evicting
 * x (highest priority 1, one pod), the pair {2,3} y and z (highest priority 5), so x goes and hi is
 * owed GPUs 0 and 1.
 */
class PreemptorHoldTest {
  private static final String PAIRS = "azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs";
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  private final Placer placer = new Placer(Policy.defaults());
  private final ClusterState state = new ClusterState(placer::attribute);
  private final Preemptions preemptions = new Preemptions(state, placer,
      Preemptions.gangOf(GangIdentities.withoutPodGroups()), new GangEvictions(Duration.ofMinutes(5)),
      (ns, name, uid, why) -> true, EventRecorder.NONE, new PreemptionMetrics(new SimpleMeterRegistry()),
      (InstantSource) now::get, Runnable::run);
  private final InMemoryBinder binder = new InMemoryBinder();
  private final TopogpuBackend backend = new TopogpuBackend(state, placer, binder, GangHook.NONE,
      TopogpuBackend.PodDiscovery.FROM_REQUESTS, preemptions);
  private final Pod hi = pod("hi", 10, 2, true);

  @BeforeEach
  void fullNode() {
    new SnapshotSource(new Snapshot(List.of(MakeNode.named("a").shape(PAIRS).clusterNode()),
        List.of(running("x", 1, 0), running("y", 5, 2), running("z", 5, 3)))).start(state);
    state.watch(preemptions);
  }

  @Test
  void lowerAndEqualPrioritiesCannotTakeTheFreedPairHigherMayAndThePreemptorGetsIt() {
    PreemptResponse answer = preempt();
    assertThat(answer.kept()).containsOnlyKeys("a");
    assertThat(answer.kept().get("a").uids()).containsExactly("uid-x");

    // x still runs: the hold is inactive, GPU 1 (part of what hi is owed) is still anyone's
    assertThat(feasible(pod("early", 1, 1, false))).containsExactly("a");

    state.removePod("default/x"); // kube-scheduler picked a and evicted x: GPUs 0 and 1 are free
    for (Pod p : List.of(pod("low", 1, 1, false), pod("peer", 10, 1, false))) {
      FilterResponse r = backend.filter(FilterRequest.withNodeNames(p, List.of("a")));
      assertThat(r.feasible()).as(p.getMetadata().getName()).isEmpty();
      NodeRejection why = r.rejected().get("a");
      assertThat(why.reason()).isEqualTo("NominatedForPreemptor");
      assertThat(why.unresolvable()).isFalse();
      assertThat(why.message()).contains("owed to a pending pod of equal or higher priority");
    }
    assertThat(feasible(pod("urgent", 20, 1, false))).as("higher priority may").containsExactly("a");

    // a bind kube-scheduler sends anyway (its filter raced the hold) is refused at the claim
    assertThat(bind(pod("low", 1, 1, false)).error()).get().asString().contains("can no longer take the pod");

    assertThat(feasible(hi)).containsExactly("a");
    assertThat(bind(hi).error()).isEmpty();
    assertThat(state.holding("default/hi").orElseThrow().gpus()).containsExactly(0, 1);
    assertThat(preemptions.nominations().held()).as("released at bind").isZero();
  }

  @Test
  void theHoldEndsWhenThePreemptorIsDeleted() {
    preempt();
    state.removePod("default/x");
    Pod low = pod("low", 1, 1, false);
    assertThat(feasible(low)).isEmpty();

    state.removePod("default/hi");

    assertThat(feasible(low)).containsExactly("a");
    assertThat(preemptions.nominations().held()).isZero();
  }

  /** y is no victim of a's plan: its leaving frees GPU 2, and GPU 1 stays anyone's (1 + 2: two GPUs). */
  @Test
  void aDepartureThatIsNotTheNodesVictimLeavesTheHoldInactive() {
    preempt();
    state.removePod("default/y");

    assertThat(feasible(pod("pair", 1, 2, false))).containsExactly("a");
  }

  @Test
  void theHoldExpires() {
    preempt();
    state.removePod("default/x");
    Pod low = pod("low", 1, 1, false);
    assertThat(feasible(low)).isEmpty();

    now.set(NOW.plus(Duration.ofMinutes(6)));
    assertThat(feasible(low)).containsExactly("a");
  }

  private PreemptResponse preempt() {
    return backend.preempt(new PreemptRequest(hi, Map.of("a", new PreemptRequest.NodeVictims(List.of("uid-x"), 0))));
  }

  private List<String> feasible(Pod p) {
    return backend.filter(FilterRequest.withNodeNames(p, List.of("a"))).feasible();
  }

  private BindResponse bind(Pod p) {
    return backend.bind(new BindRequest("default", p.getMetadata().getName(), p.getMetadata().getUid(), "a"))
        .toCompletableFuture().join();
  }

  private static Pod pod(String name, int priority, int gpus, boolean nvlink) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("default").withUid("uid-" + name)
        .endMetadata();
    if (nvlink) {
      b.editMetadata().addToAnnotations(Keys.PLACEMENT_REQUIRED, "nvlink").endMetadata();
    }
    return b.withNewSpec().withSchedulerName(BindGuard.DEFAULT_SCHEDULER_NAME).withPriority(priority)
        .addNewContainer().withName("c").withNewResources()
        .addToLimits(Keys.RESOURCE_GPU, new Quantity(Integer.toString(gpus))).endResources().endContainer()
        .endSpec().build();
  }

  private static PodInfo running(String name, int priority, int gpu) {
    return MakePod.named(name).gpus(1).on("a").priority(priority).startedAt(NOW.minus(Duration.ofHours(1)))
        .holding(Assignment.whole("a", List.of(gpu), List.of(""))).obj();
  }
}
