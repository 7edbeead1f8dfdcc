package io.topogpu.benchmarks.fgd;

import static io.topogpu.benchmarks.fgd.TestNodes.gpuPod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Shuffle and tuning to tune × capacity (fgd-protocol.md §3.2–3.4). */
class ArrivalSequenceTest {

  private static List<PodRequest> pods(int n, int count, int milli) {
    return IntStream.range(0, n).mapToObj(i -> new PodRequest("p" + i, 1000, 1, count, milli, "")).toList();
  }

  private static List<PodRequest> build(List<PodRequest> trace, long capacity, double tune, long seed) {
    return ArrivalSequence.build(trace, capacity, tune, new SplittableRandom(seed), new SplittableRandom(seed + 1));
  }

  @Test
  void tune_up_appends_copies_after_all_originals_until_the_next_would_cross_the_target() {
    // T = 4 × 500 = 2000, target = 1.3 × 2000 = 2600: one copy (2500), the next (3000) would cross
    List<PodRequest> out = build(pods(4, 1, 500), 2000, 1.3, 42);
    assertThat(out).hasSize(5);
    assertThat(out.subList(0, 4)).extracting(PodRequest::name).containsExactlyInAnyOrder("p0", "p1", "p2", "p3");
    assertThat(out.get(4).name()).matches("p[0-3]-tuned-0");
  }

  @Test
  void tune_up_stop_test_uses_per_gpu_milli_so_a_multi_gpu_copy_can_overshoot() {
    // T = 2 × 2000 = 4000, target 5200: 4000 + 1000 (per-GPU) ≤ 5200, so a 2-GPU copy goes in → T = 6000
    List<PodRequest> out = build(pods(2, 2, 1000), 4000, 1.3, 7);
    assertThat(out).hasSize(3);
    assertThat(out.stream().mapToLong(PodRequest::totalGpuMilli).sum()).isEqualTo(6000);
  }

  @Test
  void tune_down_removes_pods_until_the_total_is_within_target() {
    // T = 3000, target 2000: exactly one 1000-milli pod goes
    List<PodRequest> out = build(pods(3, 1, 1000), 2000, 1.0, 3);
    assertThat(out).hasSize(2);
    assertThat(out.stream().mapToLong(PodRequest::totalGpuMilli).sum()).isEqualTo(2000);
  }

  @Test
  void shuffle_starts_from_name_order_so_input_order_does_not_matter() {
    List<PodRequest> trace = pods(50, 1, 100);
    List<PodRequest> reversed = new java.util.ArrayList<>(trace);
    java.util.Collections.reverse(reversed);
    assertThat(build(trace, 100_000, 0.05, 9)).isEqualTo(build(reversed, 100_000, 0.05, 9));
  }

  @Test
  void shuffle_is_a_permutation_and_depends_on_the_seed() {
    List<PodRequest> trace = pods(50, 1, 100); // T = 5000 = target: no tuning
    List<PodRequest> a = build(trace, 5000, 1.0, 1);
    List<PodRequest> b = build(trace, 5000, 1.0, 2);
    assertThat(a).containsExactlyInAnyOrderElementsOf(trace);
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void ranks_are_a_permutation() {
    assertThat(ArrivalSequence.ranks(100, new SplittableRandom(5))).containsExactlyInAnyOrder(
        IntStream.range(0, 100).toArray());
  }

  @Test
  void cpu_only_pods_never_stop_tune_up() {
    // one CPU-only pod, one 1 × 1000: T = 1000, target 1300 → copies of the CPU pod are appended until the
    // first GPU copy is drawn (1000 + 1000 > 1300), so the tail holds only CPU-only copies
    List<PodRequest> trace = List.of(TestNodes.cpuPod(500), gpuPod(1000, 1, 1000));
    List<PodRequest> out = build(trace, 1000, 1.3, 11);
    assertThat(out.subList(2, out.size())).allMatch(PodRequest::cpuOnly);
  }
}
