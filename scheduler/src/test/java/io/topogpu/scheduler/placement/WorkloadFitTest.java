package io.topogpu.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The learned workload ({@link WorkloadMix}), the FGD-style {@link ExpectedFragmentation} term and the
 * CPU-only pods' {@link GpuSparing} score, on hand-worked nodes (4-GPU azure node, GPU milli written
 * as rooms = 1000 − used).
 */
class WorkloadFitTest {
  private static final String FOUR_GPUS = "azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs";
  private static final GpuRequest SHARE_500 = new GpuRequest.GpuShare(500);
  private static final GpuRequest ONE_GPU = new GpuRequest.WholeGpus(1);

  /** Observes {@code times} of each request, in order, with a snapshot published after every pod. */
  private static WorkloadMix mixOf(Object... requestsAndTimes) {
    WorkloadMix mix = new WorkloadMix(1);
    for (int i = 0; i < requestsAndTimes.length; i += 2) {
      for (int n = 0; n < (int) requestsAndTimes[i + 1]; n++) {
        mix.observe((GpuRequest) requestsAndTimes[i]);
      }
    }
    return mix;
  }

  private static double term(WorkloadMix mix, PodInfo pod, NodeState node) {
    Placer placer = new Placer(Policy.defaults());
    NodeEvaluation e = placer.evaluate(pod, node);
    var a = e.assignment().orElseThrow();
    var c = new ScoreContext(pod, pod.request().orElseThrow(), node, node.with(pod.key(), a), a, e.chosen(),
        e.chosen());
    return new ExpectedFragmentation(mix).score(c).orElseThrow();
  }

  @Test
  void mixKeepsTheMostFrequentKindsCoveringNinetyFivePercent() {
    // 10 pods: 6 × 500 milli, 3 × 1 GPU, 1 × 8 GPUs; 6 + 3 = 9 < 9.5, so all three are kept.
    var all = mixOf(SHARE_500, 6, ONE_GPU, 3, new GpuRequest.WholeGpus(8), 1).snapshot();
    assertThat(all.kinds()).extracting(WorkloadMix.Kind::request)
        .containsExactly(SHARE_500, ONE_GPU, new GpuRequest.WholeGpus(8));
    assertThat(all.kinds()).extracting(WorkloadMix.Kind::probability).containsExactly(0.6, 0.3, 0.1);
    // 20 pods: 19 × 500 milli covers 19 ≥ 0.95 × 20, so the single 1-GPU pod is left out.
    var top = mixOf(SHARE_500, 19, ONE_GPU, 1).snapshot();
    assertThat(top.kinds()).containsExactly(new WorkloadMix.Kind(SHARE_500, 1.0));
  }

  @Test
  void mixPublishesAtTheFirstPodThenEveryRefreshAndIgnoresMig() {
    WorkloadMix mix = new WorkloadMix(4);
    assertThat(mix.snapshot().empty()).isTrue();
    assertThat(mix.snapshot().version()).isZero();
    mix.observe(SHARE_500);
    assertThat(mix.snapshot().version()).isEqualTo(1);
    mix.observe(ONE_GPU);
    mix.observe(ONE_GPU);
    mix.observe(new GpuRequest.MigInstances("1g.10gb", 1));
    assertThat(mix.snapshot().version()).as("3 counted pods, MIG not counted").isEqualTo(1);
    assertThat(mix.snapshot().kinds()).containsExactly(new WorkloadMix.Kind(SHARE_500, 1.0));
    mix.observe(ONE_GPU);
    assertThat(mix.snapshot().version()).isEqualTo(2);
    assertThat(mix.snapshot().kinds()).extracting(WorkloadMix.Kind::request).containsExactly(ONE_GPU, SHARE_500);
    assertThatThrownBy(() -> new WorkloadMix(0)).hasMessageContaining("refreshEvery must be >= 1, got 0");
  }

  /**
   * Mix {500 milli: ½, 1 GPU: ½}. Rooms 400, 1000, 1000, 1000: both kinds fit, each strands the 400,
   * F = 400. A 300-milli share fills GPU 0 to room 100: F = 100. Score σ((400 − 100) / 1000) = σ(0.3).
   */
  @Test
  void shareFillingALeftoverLowersExpectedFragmentation() {
    WorkloadMix mix = mixOf(SHARE_500, 1, ONE_GPU, 1);
    NodeState node = MakeNode.named("n").shape(FOUR_GPUS).share(0, 600).state();
    assertThat(ExpectedFragmentation.expected(mix.snapshot(), node)).isCloseTo(400, within(1e-9));
    assertThat(term(mix, MakePod.named("p").milli(300).obj(), node)).isCloseTo(sigmoid(0.3), within(1e-9));
  }

  /**
   * Same mix, empty node: F = 0. A 300-milli share opens a GPU (room 700): the 500 share still fits
   * and strands nothing, the 1-GPU kind strands 700: F = ½ × 700 = 350. Score σ(−0.35).
   */
  @Test
  void shareOpeningAFreshGpuRaisesExpectedFragmentation() {
    WorkloadMix mix = mixOf(SHARE_500, 1, ONE_GPU, 1);
    NodeState node = MakeNode.named("n").shape(FOUR_GPUS).state();
    assertThat(ExpectedFragmentation.expected(mix.snapshot(), node)).isZero();
    assertThat(term(mix, MakePod.named("p").milli(300).obj(), node)).isCloseTo(sigmoid(-0.35), within(1e-9));
  }

  /** Rooms 400 × 4: no GPU is free, so the 1-GPU kind counts all 1600 idle; the 500 share can't fit either. */
  @Test
  void aKindThatCannotFitCountsAllIdleCapacity() {
    WorkloadMix mix = mixOf(SHARE_500, 1, ONE_GPU, 1);
    NodeState node = MakeNode.named("n").shape(FOUR_GPUS).share(0, 600).share(1, 600).share(2, 600).share(3, 600)
        .state();
    assertThat(ExpectedFragmentation.expected(mix.snapshot(), node)).isCloseTo(1600, within(1e-9));
    assertThat(ExpectedFragmentation.expected(mix.snapshot(), MakeNode.named("full").shape(FOUR_GPUS)
        .busy(0, 1, 2, 3).state())).as("nothing idle, nothing fragmented").isZero();
  }

  @Test
  void termDoesNotApplyBeforeAnythingIsObserved() {
    Placer placer = new Placer(Policy.of("workload-fit", Map.of(), 16));
    var e = placer.evaluate(MakePod.named("p").milli(300).obj(), MakeNode.named("n").shape(FOUR_GPUS).state());
    assertThat(e.score().orElseThrow().terms()).filteredOn(t -> t.term().equals(ExpectedFragmentation.NAME))
        .singleElement().satisfies(t -> assertThat(t.applies()).isFalse());
  }

  /**
   * workload-fit after observing shares of 500: "a-empty" would be first by name, but a 300 share there
   * opens a GPU (room 700, the 500 kind strands nothing: Δ = 0, 0.5) while on "b-shared" it fills room
   * 400 → 100, the leftover the 500 kind could not use anyway (F 400 → 100: σ(0.3) > 0.5).
   */
  @Test
  void workloadFitSendsSharesToTheLeftoverTheTypicalPodCannotUse() {
    Placer placer = new Placer(Policy.of("workload-fit", Map.of(), 16));
    placer.workload().observe(SHARE_500);
    var decision = placer.rank(MakePod.named("p").milli(300).obj(), List.of(
        MakeNode.named("a-empty").shape(FOUR_GPUS).state(),
        MakeNode.named("b-shared").shape(FOUR_GPUS).share(0, 600).state()));
    assertThat(decision.best().orElseThrow().node()).isEqualTo("b-shared");
    assertThat(decision.best().orElseThrow().assignment().orElseThrow().gpus()).containsExactly(0);
  }

  /** 1 / (1 + idle GPUs): full node 1, 3 idle of 4 → ¼, 2.5 idle → 1 / 3.5. */
  @Test
  void gpuSparingPrefersNodesWhoseGpusAreUsedUp() {
    assertThat(GpuSparing.score(MakeNode.named("n").shape(FOUR_GPUS).busy(0, 1, 2, 3).state())).isEqualTo(1.0);
    assertThat(GpuSparing.score(MakeNode.named("n").shape(FOUR_GPUS).busy(0).state())).isEqualTo(0.25);
    assertThat(GpuSparing.score(MakeNode.named("n").shape(FOUR_GPUS).busy(0).share(1, 500).state()))
        .isCloseTo(1 / 3.5, within(1e-12));
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}
