package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.extender.BindResponse;
import io.topogpu.scheduler.gang.EventRecorder;
import io.topogpu.scheduler.gang.GangCoordinator;
import io.topogpu.scheduler.gang.GangEvents;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.gang.GangPlanner;
import io.topogpu.scheduler.gang.GangSettings;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.placement.WorkloadMix;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import io.topogpu.topology.Keys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The two-phase write of a gang, through the hook, on four empty 8-GPU DGX nodes with a gang of
 * 4 × 8 GPUs (so each member fills one node) and a fake two-step binder; writes run on the calling
 * thread, so the last member's bind writes the whole opening before it returns.
 */
class GangCommitTest {
  private static final List<String> NODES = List.of("n1", "n2", "n3", "n4");
  /** Its learned workload refreshes on every observation, so each one is visible. */
  private final Placer placer = new Placer(Policy.defaults(), new WorkloadMix(1));
  private final ClusterState state = new ClusterState(placer::attribute);
  private final FakeBinder binder = new FakeBinder();
  /** "pod reason: message", in order. */
  private final List<String> events = new ArrayList<>();
  private CoordinatedGangs gangs;

  @BeforeEach
  void fourEmptyNodes() {
    List<io.topogpu.scheduler.model.ClusterNode> nodes = NODES.stream()
        .map(n -> MakeNode.named(n).shape("dgx-a100-8gpu-nv12").clusterNode()).toList();
    new SnapshotSource(new Snapshot(nodes, List.of())).start(state);
    EventRecorder recorder = (pod, type, reason, message) -> events.add(pod + " " + reason + ": " + message);
    GangCoordinator coordinator = new GangCoordinator(state.ledger(),
        new GangPlanner(placer, new NetworkTiers(TierConfig.defaults())), GangIdentities.withoutPodGroups(),
        GangSettings.DEFAULTS, Clock.systemUTC(), new GangEvents(recorder));
    gangs = new CoordinatedGangs(coordinator, GangIdentities.withoutPodGroups(), state, binder,
        new GangEvents(recorder), Runnable::run, placer.workload());
  }

  private static PodInfo member(String name) {
    return MakePod.named(name).annotation(Keys.GANG, "g").annotation(Keys.GANG_SIZE, "4").gpus(8).obj();
  }

  /** Filters each member in turn, then binds each on its planned node; every bind's answer, by name. */
  private Map<String, BindResponse> schedule(String... names) {
    Map<String, String> planned = new LinkedHashMap<>();
    for (String n : names) {
      List<String> feasible = gangs.filter(member(n), NODES).orElseThrow().feasible();
      assertThat(feasible).as("planned node of " + n).hasSize(1);
      planned.put(n, feasible.get(0));
    }
    Map<String, CompletableFuture<BindResponse>> binds = new LinkedHashMap<>();
    planned.forEach((n, node) -> binds.put(n, gangs.bind(member(n), node).orElseThrow().toCompletableFuture()));
    Map<String, BindResponse> answers = new LinkedHashMap<>();
    binds.forEach((n, f) -> {
      assertThat(f).as("bind of " + n).isDone();
      answers.put(n, f.join());
    });
    return answers;
  }

  private List<String> eventsOf(String pod, String reason) {
    return events.stream().filter(e -> e.startsWith("default/" + pod + " " + reason + ": "))
        .map(e -> e.substring(e.indexOf(": ") + 2)).toList();
  }

  /** Every GPU held on every node, by holder: node → holders. */
  private Map<String, List<String>> holders() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (NodeState n : state.nodes()) {
      out.put(n.name(), List.copyOf(n.pods().keySet()));
    }
    return out;
  }

  @Test
  @DisplayName("member 3's devices cannot be recorded: no binding is posted, all four fail with one reason, nothing is held")
  void aRefusedPrepareBindsNobody() {
    binder.refusePrepare.add("w-2");

    Map<String, BindResponse> answers = schedule("w-0", "w-1", "w-2", "w-3");

    String reason = "gang default/g: writing topogpu.io/gpus on pod default/w-2 failed (HTTP 422): the "
        + "resourceVersion test failed; no member was bound, the gang will be planned again";
    assertThat(answers.values()).containsOnly(BindResponse.failed(reason));
    assertThat(binder.count("prepare")).isEqualTo(4);
    assertThat(binder.count("commit")).isZero();
    assertThat(binder.bound).isEmpty();
    for (String n : List.of("w-0", "w-1", "w-2", "w-3")) {
      assertThat(state.holding("default/" + n)).as(n).isEmpty();
      assertThat(eventsOf(n, GangEvents.BIND_FAILED)).containsExactly(reason);
    }
    assertThat(state.nodes()).allSatisfy(n -> {
      assertThat(n.freeMask()).isEqualTo(0xFFL);
      assertThat(n.reservations()).isEmpty();
    });
    assertThat(placer.workload().snapshot().empty()).as("nothing bound, nothing learned").isTrue();
  }

  @Test
  @DisplayName("after a refused prepare, kube-scheduler's retries plan the gang again and it binds whole")
  void aRefusedPrepareIsRetriedWhole() {
    binder.refusePrepare.add("w-2");
    schedule("w-0", "w-1", "w-2", "w-3");
    binder.refusePrepare.clear();

    Map<String, BindResponse> answers = schedule("w-0", "w-1", "w-2", "w-3");

    assertThat(answers.values()).containsOnly(BindResponse.bound());
    assertThat(binder.bound).containsOnlyKeys("w-0", "w-1", "w-2", "w-3");
    assertThat(binder.bound.values()).containsExactlyInAnyOrderElementsOf(NODES);
    assertThat(binder.committed).allSatisfy(t -> assertThat(t.assignment().orElseThrow().gang().orElseThrow()
        .plan()).hasSize(4));
    assertThat(holders()).allSatisfy((node, pods) -> assertThat(pods).hasSize(1));
    assertThat(placer.workload().snapshot().version()).as("one observation per bound member").isEqualTo(4);
  }

  @Test
  @DisplayName("a bind kube-scheduler retries while waiting at the barrier: the gang is still written once")
  void aBindRetriedAtTheBarrierWritesOnce() {
    Map<String, String> planned = new LinkedHashMap<>();
    for (String n : List.of("w-0", "w-1", "w-2", "w-3")) {
      planned.put(n, gangs.filter(member(n), NODES).orElseThrow().feasible().get(0));
    }
    List<CompletableFuture<BindResponse>> binds = new ArrayList<>();
    binds.add(gangs.bind(member("w-0"), planned.get("w-0")).orElseThrow().toCompletableFuture());
    binds.add(gangs.bind(member("w-0"), planned.get("w-0")).orElseThrow().toCompletableFuture());
    for (String n : List.of("w-1", "w-2", "w-3")) {
      binds.add(gangs.bind(member(n), planned.get(n)).orElseThrow().toCompletableFuture());
    }

    assertThat(binds).allSatisfy(f -> assertThat(f.join()).isEqualTo(BindResponse.bound()));
    assertThat(binder.count("prepare")).isEqualTo(4);
    assertThat(binder.count("commit")).isEqualTo(4);
    assertThat(placer.workload().snapshot().version()).as("one observation per bound member").isEqualTo(4);
  }

  @Test
  @DisplayName("a bind kube-scheduler retries while its gang is being written joins that write instead of binding alone")
  void aRetriedBindJoinsTheRunningWrite() {
    binder.refusePrepare.add("w-2");
    List<CompletableFuture<BindResponse>> retried = new ArrayList<>();
    binder.duringPrepare.put("w-0", () -> retried.add(
        gangs.bind(member("w-3"), state.holding("default/w-3").orElseThrow().node()).orElseThrow()
            .toCompletableFuture()));

    schedule("w-0", "w-1", "w-2", "w-3");

    assertThat(retried).singleElement().satisfies(f -> assertThat(f.join().error()).hasValueSatisfying(
        e -> assertThat(e).contains("no member was bound")));
    assertThat(binder.count("commit")).isZero();
    assertThat(binder.bound).isEmpty();
    assertThat(state.nodes()).allSatisfy(n -> assertThat(n.freeMask()).isEqualTo(0xFFL));
  }

  @Test
  @DisplayName("a binding refused after others were posted: controller-owned members deleted, the bare one warned and kept")
  void aRefusedCommitUndoesTheBoundMembers() {
    binder.refuseCommit.add("w-2");
    binder.controlled.addAll(List.of("w-0", "w-1", "w-2"));

    Map<String, BindResponse> answers = schedule("w-0", "w-1", "w-2", "w-3");

    String refused = "binding pod default/w-2 to node " + nodeOf("w-2") + " failed (HTTP 404): not found";
    String undoing = "gang default/g partly bound: " + refused + "; deleting bound members so the gang starts whole";
    assertThat(answers.get("w-2")).isEqualTo(BindResponse.failed(undoing));
    for (String n : List.of("w-0", "w-1")) {
      String deleted = undoing + "; pod default/" + n + " was deleted for its controller to recreate";
      assertThat(answers.get(n)).isEqualTo(BindResponse.failed(deleted));
      assertThat(eventsOf(n, GangEvents.PARTLY_BOUND)).containsExactly(deleted);
    }
    assertThat(answers.get("w-3")).isEqualTo(BindResponse.bound());
    assertThat(eventsOf("w-3", GangEvents.PARTLY_BOUND)).containsExactly("pod default/w-3 runs without its gang: "
        + "gang default/g partly bound: " + refused + "; it has no controller to recreate it, so it was not deleted");
    assertThat(eventsOf("w-2", GangEvents.PARTLY_BOUND)).containsExactly(undoing);
    assertThat(binder.count("commit")).isEqualTo(4);
    assertThat(binder.calls).contains("undo w-0", "undo w-1", "undo w-3").doesNotContain("undo w-2");
    assertThat(binder.bound).containsOnlyKeys("w-3");
  }

  @Test
  @DisplayName("after the undo: the refused member's GPUs are free at once, deleted members' when their pods are gone")
  void aRefusedCommitLeavesTheLedgerConsistent() {
    binder.refuseCommit.add("w-2");
    binder.controlled.addAll(List.of("w-0", "w-1", "w-2"));
    schedule("w-0", "w-1", "w-2", "w-3");
    String w0 = nodeOf("w-0");
    String w1 = nodeOf("w-1");
    String w3 = nodeOf("w-3");

    assertThat(state.holding("default/w-2")).isEmpty();
    assertThat(state.holding("default/w-0").orElseThrow().node()).isEqualTo(w0);
    assertThat(state.holding("default/w-1").orElseThrow().node()).isEqualTo(w1);
    assertThat(state.holding("default/w-3").orElseThrow().node()).isEqualTo(w3);

    state.removePod("default/w-0");
    state.removePod("default/w-1");
    state.removePod("default/w-0");

    assertThat(holders()).allSatisfy((node, pods) ->
        assertThat(pods).isEqualTo(node.equals(w3) ? List.of("default/w-3") : List.of()));
  }

  @Test
  @DisplayName("after the undo, the refused member and the recreated ones are planned next to the kept one and bind")
  void aRefusedCommitIsRetriedAroundTheKeptMember() {
    binder.refuseCommit.add("w-2");
    binder.controlled.addAll(List.of("w-0", "w-1", "w-2"));
    schedule("w-0", "w-1", "w-2", "w-3");
    String w3 = nodeOf("w-3");
    state.removePod("default/w-0");
    state.removePod("default/w-1");
    binder.refuseCommit.clear();

    Map<String, BindResponse> answers = schedule("w-2", "w-4", "w-5");

    assertThat(answers.values()).containsOnly(BindResponse.bound());
    assertThat(binder.bound).containsOnlyKeys("w-2", "w-3", "w-4", "w-5");
    assertThat(binder.bound.values()).containsExactlyInAnyOrderElementsOf(NODES);
    assertThat(binder.bound.get("w-3")).isEqualTo(w3);
    assertThat(holders()).allSatisfy((node, pods) -> assertThat(pods).hasSize(1));
  }

  /** The node the binder was last asked to bind {@code pod} to. */
  private String nodeOf(String pod) {
    return binder.attempted.stream().filter(t -> t.name().equals(pod)).reduce((a, b) -> b).orElseThrow().node();
  }
}
