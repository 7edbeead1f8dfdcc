package io.topogpu.scheduler.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How informer events and binds move GPUs in and out of the ledger. */
class ClusterStateTest {
  private static final Assignment GPUS_0_1 = Assignment.whole("dgx", List.of(0, 1), List.of("", ""));

  private final Placer placer = new Placer(Policy.defaults());
  private ClusterState state;

  @BeforeEach
  void oneEmptyDgx() {
    state = new ClusterState(placer::attribute);
    ClusterNode dgx = MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode();
    state.replaceAll(() -> List.of(dgx), List::of);
  }

  private long freeGpus() {
    return Long.bitCount(state.node("dgx").orElseThrow().freeMask());
  }

  private static PodInfo running(String name) {
    return MakePod.named(name).gpus(2).on("dgx").holding(GPUS_0_1).obj();
  }

  @Test
  @DisplayName("not ready until the first full listing is loaded")
  void readiness() {
    ClusterState fresh = new ClusterState(placer::attribute);
    assertThat(fresh.readiness().ready()).isFalse();
    assertThat(fresh.readiness().reason()).isEqualTo("cluster state not synced yet");
    fresh.replaceAll(List::of, List::of);
    assertThat(fresh.readiness().ready()).isTrue();
  }

  @Test
  @DisplayName("a bound pod holds its annotated GPUs; a deleted one frees them")
  void deletedPodFreesGpus() {
    state.putPod(running("train"));
    assertThat(state.holding("default/train")).contains(GPUS_0_1);
    assertThat(freeGpus()).isEqualTo(6);

    state.removePod("default/train");
    assertThat(state.holding("default/train")).isEmpty();
    assertThat(state.pod("default/train")).isEmpty();
    assertThat(freeGpus()).isEqualTo(8);
  }

  @Test
  @DisplayName("a pod that finished (Succeeded or Failed) frees its GPUs while still listed")
  void finishedPodFreesGpus() {
    state.putPod(running("train"));
    state.putPod(MakePod.named("train").gpus(2).on("dgx").holding(GPUS_0_1).phase("Succeeded").obj());
    assertThat(freeGpus()).isEqualTo(8);

    state.putPod(running("eval"));
    state.putPod(MakePod.named("eval").gpus(2).on("dgx").holding(GPUS_0_1).phase("Failed").obj());
    assertThat(freeGpus()).isEqualTo(8);
  }

  @Test
  @DisplayName("relists and resyncs repeat the same pod: applied once")
  void repeatedEventsAreIdempotent() {
    for (int i = 0; i < 3; i++) {
      state.putPod(running("train"));
    }
    assertThat(state.node("dgx").orElseThrow().pods()).containsOnlyKeys("default/train");
    assertThat(freeGpus()).isEqualTo(6);
  }

  @Test
  @DisplayName("a claimed pod keeps its GPUs while stale pending events arrive, until it is deleted")
  void pendingEventsKeepAClaim() {
    PodInfo pending = MakePod.named("train").gpus(2).obj();
    state.putPod(pending);
    Claim claim = state.claim(pending, "dgx", n -> placer.evaluate(pending, n));
    assertThat(claim).isInstanceOf(Claim.Granted.class);

    state.putPod(pending);
    assertThat(state.holding("default/train")).contains(((Claim.Granted) claim).assignment());
  }

  @Test
  @DisplayName("claims: the second pod gets other GPUs; the same pod again is told what it holds; "
      + "a rollback frees exactly the claim")
  void claims() {
    PodInfo a = MakePod.named("a").gpus(4).obj();
    PodInfo b = MakePod.named("b").gpus(4).obj();
    Claim.Granted first = (Claim.Granted) state.claim(a, "dgx", n -> placer.evaluate(a, n));
    Claim.Granted second = (Claim.Granted) state.claim(b, "dgx", n -> placer.evaluate(b, n));
    assertThat(first.assignment().gpus()).doesNotContainAnyElementsOf(second.assignment().gpus());

    assertThat(state.claim(a, "dgx", n -> placer.evaluate(a, n)))
        .isEqualTo(new Claim.AlreadyHeld(first.assignment()));
    PodInfo c = MakePod.named("c").gpus(1).obj();
    assertThat(state.claim(c, "dgx", n -> placer.evaluate(c, n)))
        .isEqualTo(new Claim.Refused("node dgx can no longer take the pod: have no free GPU (0 free)"));
    assertThat(state.claim(c, "ghost", n -> placer.evaluate(c, n)))
        .isEqualTo(new Claim.Refused("node ghost is not in topogpu's cache"));

    state.release("default/a", first.assignment());
    assertThat(state.holding("default/a")).isEmpty();
    assertThat(state.holding("default/b")).contains(second.assignment());
  }

  @Test
  @DisplayName("a pod bound before its node is known holds its GPUs once the node arrives")
  void podBeforeNode() {
    state.putPod(MakePod.named("early").gpus(2).on("late-node").obj());
    assertThat(state.holding("default/early")).isEmpty();

    state.putNode(MakeNode.named("late-node").shape("l40s-8gpu-pcie-node-sys").clusterNode());

    assertThat(state.holding("default/early").orElseThrow().gpus()).containsExactly(0, 1);
  }

  @Test
  @DisplayName("a bound pod without topogpu.io/gpus is counted on the GPUs placement would pick")
  void unannotatedPodIsAttributed() {
    state.putPod(MakePod.named("foreign").gpus(1).on("dgx").obj());
    assertThat(state.holding("default/foreign").orElseThrow().gpus()).containsExactly(0);
  }

  @Test
  @DisplayName("a deleted node takes its holdings with it")
  void nodeRemoved() {
    state.putPod(running("train"));
    state.removeNode("dgx");
    assertThat(state.node("dgx")).isEmpty();
    assertThat(state.holding("default/train")).isEmpty();
  }

  private static final Assignment GPUS_2_3 = Assignment.whole("dgx", List.of(2, 3), List.of("", ""));

  @Test
  @DisplayName("the kubelet's actual allocation wins over the choice, counts as a mismatch, and survives a rebuild")
  void actualOverChosen() {
    PodInfo chosen = MakePod.named("train").gpus(2).on("dgx").holding(GPUS_0_1).obj();
    state.putPod(chosen);
    assertThat(state.holding("default/train")).contains(GPUS_0_1);
    assertThat(state.allocationMismatches()).isZero();

    // The agent reports that the kubelet gave GPUs 2 and 3.
    PodInfo reported = MakePod.named("train").gpus(2).on("dgx").holding(GPUS_0_1).allocated(GPUS_2_3).obj();
    state.putPod(reported);
    assertThat(state.holding("default/train")).contains(GPUS_2_3);
    assertThat(state.node("dgx").orElseThrow().holdersByGpu()).containsOnlyKeys(2, 3);
    assertThat(state.allocationMismatches()).isEqualTo(1);

    // A restart: the ledger is rebuilt from the listing, actual where present.
    ClusterNode dgx = MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode();
    state.replaceAll(() -> List.of(dgx), () -> List.of(reported));
    assertThat(state.holding("default/train")).contains(GPUS_2_3);
    assertThat(state.allocationMismatches()).isEqualTo(1);

    state.removePod("default/train");
    assertThat(state.allocationMismatches()).isZero();
    assertThat(freeGpus()).isEqualTo(8);
  }

  @Test
  @DisplayName("an actual allocation equal to the choice is no mismatch; one for another node is ignored")
  void actualEqualOrForAnotherNode() {
    state.putPod(MakePod.named("a").gpus(2).on("dgx").holding(GPUS_0_1)
        .allocated(Assignment.whole("dgx", List.of(0, 1), List.of("", ""))).obj());
    state.putPod(MakePod.named("b").gpus(2).on("dgx").holding(GPUS_2_3)
        .allocated(Assignment.whole("elsewhere", List.of(4, 5), List.of("", ""))).obj());
    assertThat(state.holding("default/a")).contains(GPUS_0_1);
    assertThat(state.holding("default/b")).contains(GPUS_2_3);
    assertThat(state.allocationMismatches()).isZero();
  }

  @Test
  @DisplayName("a finished pod whose devices differed is no longer a mismatch")
  void terminalPodLeavesTheCount() {
    state.putPod(MakePod.named("t").gpus(2).on("dgx").holding(GPUS_0_1).allocated(GPUS_2_3).obj());
    assertThat(state.allocationMismatches()).isEqualTo(1);
    state.putPod(MakePod.named("t").gpus(2).on("dgx").holding(GPUS_0_1).allocated(GPUS_2_3).phase("Succeeded").obj());
    assertThat(state.allocationMismatches()).isZero();
    assertThat(freeGpus()).isEqualTo(8);
  }
}
