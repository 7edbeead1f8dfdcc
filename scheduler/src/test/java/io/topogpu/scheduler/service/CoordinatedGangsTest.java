package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.bind.BindTarget;
import io.topogpu.scheduler.extender.BindResponse;
import io.topogpu.scheduler.extender.FilterResponse;
import io.topogpu.scheduler.extender.NodeRejection;
import io.topogpu.scheduler.gang.EventRecorder;
import io.topogpu.scheduler.gang.GangCoordinator;
import io.topogpu.scheduler.gang.GangEvents;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.gang.GangPlanner;
import io.topogpu.scheduler.gang.GangSettings;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import io.topogpu.topology.Keys;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The gang hook's answers on two empty 8-GPU DGX nodes, binds written on the calling thread: what
 * filter says to members, what bind writes when the barrier opens, and the rollback of a member
 * whose devices cannot be recorded (the two-phase write itself: {@link GangCommitTest}).
 */
class CoordinatedGangsTest {
  private static final List<String> NODES = List.of("n1", "n2");
  private final Placer placer = new Placer(Policy.defaults());
  private final ClusterState state = new ClusterState(placer::attribute);
  private final List<String> events = new ArrayList<>();
  private final FakeBinder binder = new FakeBinder();
  private GangCoordinator coordinator;
  private CoordinatedGangs gangs;

  @BeforeEach
  void twoEmptyNodes() {
    new SnapshotSource(new Snapshot(List.of(
        MakeNode.named("n1").shape("dgx-a100-8gpu-nv12").clusterNode(),
        MakeNode.named("n2").shape("dgx-a100-8gpu-nv12").clusterNode()), List.of())).start(state);
    EventRecorder recorder = (pod, type, reason, message) -> events.add(pod + " " + reason);
    coordinator = new GangCoordinator(state.ledger(), new GangPlanner(placer, new NetworkTiers(TierConfig.defaults())),
        GangIdentities.withoutPodGroups(), GangSettings.DEFAULTS, Clock.systemUTC(),
        new GangEvents(recorder));
    gangs = new CoordinatedGangs(coordinator, GangIdentities.withoutPodGroups(), state, binder,
        new GangEvents(recorder), Runnable::run, placer.workload());
  }

  private static PodInfo member(String name, int size, int gpus) {
    return MakePod.named(name).annotation(Keys.GANG, "g").annotation(Keys.GANG_SIZE, Integer.toString(size))
        .gpus(gpus).obj();
  }

  @Test
  @DisplayName("a planned member passes only its planned node; the other says where the member goes")
  void plannedMemberPassesOnlyItsNode() {
    FilterResponse r = gangs.filter(member("w-0", 2, 8), NODES).orElseThrow();

    assertThat(r.feasible()).hasSize(1);
    String planned = r.feasible().get(0);
    String other = planned.equals("n1") ? "n2" : "n1";
    assertThat(r.rejected()).containsOnlyKeys(other);
    assertThat(r.rejected().get(other)).isEqualTo(NodeRejection.resolvable(CoordinatedGangs.PLANNED_ELSEWHERE,
        "gang default/g has this member planned on node " + planned));
    assertThat(events).containsExactly("default/w-0 " + GangEvents.PLANNED);
  }

  @Test
  @DisplayName("a gang larger than the cluster: every node rejected, unresolvable, with the gang's one reason")
  void gangLargerThanTheCluster() {
    FilterResponse r = gangs.filter(member("w-0", 3, 8), NODES).orElseThrow();

    assertThat(r.feasible()).isEmpty();
    assertThat(r.rejected()).containsOnlyKeys(NODES);
    assertThat(r.rejected().values()).allSatisfy(n -> {
      assertThat(n.reason()).isEqualTo(CoordinatedGangs.GANG_UNSCHEDULABLE);
      assertThat(n.unresolvable()).isTrue();
      assertThat(n.message()).startsWith("gang default/g needs 3×8 GPUs");
    });
    assertThat(events).containsExactly("default/w-0 " + GangEvents.UNSCHEDULABLE);
  }

  @Test
  @DisplayName("a gang without a usable size: every node rejected naming the key, and an event")
  void sizeUnknown() {
    PodInfo pod = MakePod.named("w-0").annotation(Keys.GANG, "g").annotation(Keys.GANG_SIZE, "four").gpus(8).obj();

    FilterResponse r = gangs.filter(pod, NODES).orElseThrow();

    assertThat(r.rejected().values()).allSatisfy(n -> {
      assertThat(n.reason()).isEqualTo(CoordinatedGangs.GANG_SIZE_UNKNOWN);
      assertThat(n.message()).isEqualTo("gang size unknown: topogpu.io/gang-size: must be a positive integer, got 'four'");
    });
    assertThat(events).containsExactly("default/w-0 " + GangEvents.SIZE_UNKNOWN);
  }

  @Test
  @DisplayName("a single pod is not the hook's: filter and bind answer empty")
  void singlePodIsLeftToPlacement() {
    PodInfo single = MakePod.named("s").gpus(1).obj();
    assertThat(gangs.filter(single, NODES)).isEmpty();
    assertThat(gangs.bind(single, "n1")).isEmpty();
  }

  @Test
  @DisplayName("binds wait at the barrier; when the last member arrives all are written with the gang plan")
  void bindsWaitThenAllWrite() {
    String n0 = gangs.filter(member("w-0", 2, 8), NODES).orElseThrow().feasible().get(0);
    String n1 = gangs.filter(member("w-1", 2, 8), NODES).orElseThrow().feasible().get(0);

    CompletionStage<BindResponse> first = gangs.bind(member("w-0", 2, 8), n0).orElseThrow();
    assertThat(first.toCompletableFuture()).isNotDone();
    assertThat(binder.calls).isEmpty();
    CompletionStage<BindResponse> second = gangs.bind(member("w-1", 2, 8), n1).orElseThrow();

    assertThat(first.toCompletableFuture().join()).isEqualTo(BindResponse.bound());
    assertThat(second.toCompletableFuture().join()).isEqualTo(BindResponse.bound());
    assertThat(binder.calls).containsExactly("prepare w-0", "prepare w-1", "commit w-0", "commit w-1");
    assertThat(binder.committed).allSatisfy(t -> assertThat(t.assignment().orElseThrow().gang().orElseThrow().plan())
        .containsEntry("w-0", n0).containsEntry("w-1", n1));
    assertThat(events).contains("default/w-0 " + GangEvents.WAITING, "default/w-0 " + GangEvents.STARTED,
        "default/w-1 " + GangEvents.STARTED);
    assertThat(state.holding("default/w-0")).isPresent();
  }

  @Test
  @DisplayName("a member whose devices cannot be recorded: neither member is bound, both are re-planned and bind")
  void failedWriteRollsTheGangBack() {
    binder.refusePrepare.add("w-1");
    String n0 = gangs.filter(member("w-0", 2, 8), NODES).orElseThrow().feasible().get(0);
    String n1 = gangs.filter(member("w-1", 2, 8), NODES).orElseThrow().feasible().get(0);
    CompletionStage<BindResponse> first = gangs.bind(member("w-0", 2, 8), n0).orElseThrow();
    BindResponse second = gangs.bind(member("w-1", 2, 8), n1).orElseThrow().toCompletableFuture().join();

    assertThat(first.toCompletableFuture().join()).isEqualTo(second);
    assertThat(second.error()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 422", "no member was bound"));
    assertThat(binder.bound).isEmpty();
    assertThat(state.holding("default/w-0")).isEmpty();
    assertThat(state.holding("default/w-1")).isEmpty();
    assertThat(state.nodes()).allSatisfy(n -> assertThat(n.freeMask()).isEqualTo(0xFFL));

    binder.refusePrepare.clear();
    String again0 = gangs.filter(member("w-0", 2, 8), NODES).orElseThrow().feasible().get(0);
    String again1 = gangs.filter(member("w-1", 2, 8), NODES).orElseThrow().feasible().get(0);
    CompletionStage<BindResponse> w0 = gangs.bind(member("w-0", 2, 8), again0).orElseThrow();
    assertThat(gangs.bind(member("w-1", 2, 8), again1).orElseThrow().toCompletableFuture().join())
        .isEqualTo(BindResponse.bound());
    assertThat(w0.toCompletableFuture().join()).isEqualTo(BindResponse.bound());
    assertThat(binder.bound).containsOnlyKeys("w-0", "w-1");
  }

  @Test
  @DisplayName("the bind timer's deadline: default timeouts stay below kube-scheduler's 60 s httpTimeout")
  void defaultBindTimeoutBelowHttpTimeout() {
    assertThat(GangSettings.DEFAULTS.bindTimeout().plus(GangService.DEFAULT_TICK))
        .isLessThan(Duration.ofSeconds(60));
  }
}
