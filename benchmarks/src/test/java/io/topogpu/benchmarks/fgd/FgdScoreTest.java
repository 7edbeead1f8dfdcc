package io.topogpu.benchmarks.fgd;

import static io.topogpu.benchmarks.fgd.TestNodes.cluster;
import static io.topogpu.benchmarks.fgd.TestNodes.cpuPod;
import static io.topogpu.benchmarks.fgd.TestNodes.gpuPod;
import static io.topogpu.benchmarks.fgd.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * FGD's score and GPU choice on the worked examples of fgd-protocol.md §11: target workload
 * A = (cpu 4000, 1 × 500) p = 0.5, B = (cpu 8000, 1 × 1000) p = 0.3, C = (cpu 2000, CPU-only) p = 0.2,
 * on a 2-GPU T4 node with 64000 milli-CPU left.
 */
class FgdScoreTest {
  private static final PodRequest A = gpuPod(4000, 1, 500);
  private static final PodRequest B = gpuPod(8000, 1, 1000);
  private static final PodRequest C = cpuPod(2000);

  private final FragmentationModel model = new FragmentationModel(workload(), TestNodes.MODELS);
  private final FgdPolicy fgd = new FgdPolicy(new PolicyContext(new SplittableRandom(1), model));

  /** 5 × A, 3 × B, 2 × C: all three types are needed to cover 95 %, so p = 0.5, 0.3, 0.2. */
  private static TypicalPods workload() {
    List<PodRequest> trace = new ArrayList<>();
    trace.addAll(Collections.nCopies(5, A));
    trace.addAll(Collections.nCopies(3, B));
    trace.addAll(Collections.nCopies(2, C));
    return TypicalPods.of(trace, 95);
  }

  private double f(SimNode n) {
    return model.nodeFragmentation(n.modelIndex(), n.cpuLeft(), n.gpuLeftArray());
  }

  @Test
  void fragmentation_of_the_worked_states() {
    assertThat(f(node("T4", 2).cpuLeft(64000).build())).isCloseTo(400, within(1e-9)); // 0.2 × 2000
    assertThat(f(node("T4", 2).cpuLeft(60000).gpuLeft(500, 1000).build()))
        .isCloseTo(450, within(1e-9)); // 0.3 × 500 + 0.2 × 1500
    assertThat(f(node("T4", 2).cpuLeft(60000).gpuLeft(500, 500).build()))
        .isCloseTo(500, within(1e-9)); // 0.3 × 1000 + 0.2 × 1000
  }

  @Test
  void sharing_pod_on_a_free_node_scores_48_on_gpu_0() {
    SimNode n = node("T4", 2).cpuLeft(64000).build();
    assertThat(fgd.score(A, n)).isEqualTo(48); // trunc(100 × σ(−0.05))
    assertThat(fgd.selectGpus(A, n)).containsExactly(0);
  }

  @Test
  void sharing_pod_fills_the_partly_used_gpu_score_56() {
    SimNode n = node("T4", 2).cpuLeft(64000).gpuLeft(500, 1000).build();
    assertThat(fgd.score(A, n)).isEqualTo(56); // GPU 0: F 450 → 200; GPU 1 would give 500 (48)
    assertThat(fgd.selectGpus(A, n)).containsExactly(0);
  }

  @Test
  void when_the_best_gpu_is_not_the_first_it_is_still_found() {
    SimNode n = node("T4", 2).cpuLeft(64000).gpuLeft(1000, 500).build();
    assertThat(fgd.score(A, n)).isEqualTo(56);
    assertThat(fgd.selectGpus(A, n)).containsExactly(1);
  }

  @Test
  void whole_gpu_pod_scores_54() {
    // [500, 0] with cpu 56000: F = 0.3 × 500 + 0.2 × 500 = 250; σ(0.2) → 54
    assertThat(fgd.score(B, node("T4", 2).cpuLeft(64000).gpuLeft(500, 1000).build())).isEqualTo(54);
  }

  @Test
  void cpu_only_pod_that_starves_b_of_cpu_scores_42() {
    // cpuLeft 4000: F = 0.3 × 1500 + 0.2 × 1500 = 750; σ(−0.3) → 42
    assertThat(fgd.score(cpuPod(60000), node("T4", 2).cpuLeft(64000).gpuLeft(500, 1000).build())).isEqualTo(42);
  }

  @Test
  void node_choice_takes_the_steepest_descent() {
    List<SimNode> nodes = cluster(node("T4", 2).cpuLeft(64000), node("T4", 2).cpuLeft(64000).gpuLeft(1000, 500));
    assertThat(fgd.decide(A, nodes)).isInstanceOfSatisfying(Policy.Decision.Placed.class, p -> {
      assertThat(p.nodeRank()).isEqualTo(1);
      assertThat(p.gpus()).containsExactly(1);
    });
  }

  @Test
  void sigmoid_score_is_truncated() {
    assertThat(FgdPolicy.sigmoidScore(0, 0)).isEqualTo(50);
    assertThat(FgdPolicy.sigmoidScore(0, 1)).isEqualTo(49); // any growth drops below 50
    assertThat(FgdPolicy.sigmoidScore(40, 0)).isEqualTo(50); // σ(0.04) = 0.50999...
    assertThat(FgdPolicy.sigmoidScore(41, 0)).isEqualTo(51);
  }
}
