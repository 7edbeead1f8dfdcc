package io.topogpu.benchmarks.fgd;

import static io.topogpu.benchmarks.fgd.TestNodes.cpuPod;
import static io.topogpu.benchmarks.fgd.TestNodes.gpuPod;
import static io.topogpu.benchmarks.fgd.TestNodes.typedPod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** frag_m of one node for a single target type (p = 1), one case per row of fgd-protocol.md §7.1. */
class FragmentationModelTest {
  private static final int T4 = TestNodes.MODELS.indexOf("T4");

  private static double frag(PodRequest type, long cpuLeft, int... gpuLeft) {
    FragmentationModel m = new FragmentationModel(TypicalPods.of(List.of(type), 95), TestNodes.MODELS);
    return m.nodeFragmentation(T4, cpuLeft, gpuLeft);
  }

  @Test
  void a_node_without_idle_gpu_has_no_fragmentation() {
    assertThat(frag(gpuPod(1000, 1, 500), 64000, 0, 0)).isZero();
  }

  @Test
  void cpu_only_types_count_all_idle_gpu_whether_or_not_they_fit() {
    assertThat(frag(cpuPod(1000), 64000, 300, 1000)).isCloseTo(1300, within(1e-9));
    assertThat(frag(cpuPod(99000), 64000, 300, 1000)).isCloseTo(1300, within(1e-9));
  }

  @Test
  void a_type_that_cannot_use_the_model_counts_all_idle_gpu() {
    assertThat(frag(typedPod(1000, 1, 200, "V100M16|V100M32"), 64000, 300, 1000)).isCloseTo(1300, within(1e-9));
  }

  @Test
  void a_satisfied_type_counts_only_the_gpus_too_small_for_it() {
    assertThat(frag(gpuPod(1000, 1, 500), 64000, 300, 1000, 400, 600)).isCloseTo(700, within(1e-9));
    assertThat(frag(gpuPod(1000, 1, 1000), 64000, 300, 1000)).isCloseTo(300, within(1e-9));
    assertThat(frag(typedPod(1000, 1, 200, "T4"), 64000, 100, 1000)).isCloseTo(100, within(1e-9));
  }

  @Test
  void a_type_lacking_cpu_or_gpus_counts_all_idle_gpu() {
    assertThat(frag(gpuPod(8000, 1, 500), 4000, 300, 1000)).isCloseTo(1300, within(1e-9)); // Q4
    assertThat(frag(gpuPod(1000, 2, 1000), 64000, 300, 1000)).isCloseTo(1300, within(1e-9)); // Q2
    assertThat(frag(gpuPod(8000, 2, 1000), 4000, 300, 1000)).isCloseTo(1300, within(1e-9)); // Q1
  }

  /** The Q4 node of the case above: 8 cores wanted, 4 left. Without CPU the type fits and strands 300. */
  @Test
  void ignoring_cpu_a_type_short_of_cpu_counts_only_its_small_gpus() {
    FragmentationModel m = new FragmentationModel(TypicalPods.of(List.of(gpuPod(8000, 1, 500)), 95), TestNodes.MODELS);
    assertThat(m.nodeFragmentation(T4, 4000, new int[] {300, 1000})).isCloseTo(1300, within(1e-9));
    assertThat(m.ignoringCpu().nodeFragmentation(T4, 4000, new int[] {300, 1000})).isCloseTo(300, within(1e-9));
  }

  @Test
  void fragmentation_depends_on_the_multiset_of_gpu_left_not_its_order() {
    assertThat(frag(gpuPod(1000, 1, 500), 64000, 1000, 300)).isEqualTo(frag(gpuPod(1000, 1, 500), 64000, 300, 1000));
  }

  @Test
  void expected_fragmentation_weighs_types_by_probability() {
    // 3 × (1 × 500) and 1 × CPU-only: all four kept (95 % of 4 needs 4), p = 0.75 and 0.25
    List<PodRequest> trace = List.of(gpuPod(1000, 1, 500), gpuPod(1000, 1, 500), gpuPod(1000, 1, 500), cpuPod(1000));
    FragmentationModel m = new FragmentationModel(TypicalPods.of(trace, 95), TestNodes.MODELS);
    // [300, 1000]: 0.75 × 300 + 0.25 × 1300 = 550
    assertThat(m.nodeFragmentation(T4, 64000, new int[] {300, 1000})).isCloseTo(550, within(1e-9));
  }
}
