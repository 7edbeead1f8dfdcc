package io.topogpu.benchmarks.fgd;

import static io.topogpu.benchmarks.fgd.TestNodes.cluster;
import static io.topogpu.benchmarks.fgd.TestNodes.cpuPod;
import static io.topogpu.benchmarks.fgd.TestNodes.gpuPod;
import static io.topogpu.benchmarks.fgd.TestNodes.node;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Node scores of the five scoring policies on hand-worked nodes (fgd-protocol.md §6). */
class PolicyScoresTest {

  @Nested
  class DotProd {
    private final DotProdPolicy policy = new DotProdPolicy();

    @Test
    void half_full_cpu_and_free_two_gpu_node_for_a_half_gpu_pod_scores_98() {
      // N = (64000/128000, 2000/8000) = (0.5, 0.25); P = (4000/128000, 500/8000) = (0.03125, 0.0625)
      // d = (0.015625 + 0.015625) / 2 = 0.015625 → trunc(98.4375) = 98
      assertThat(policy.score(gpuPod(4000, 1, 500), node("T4", 2).cpuLeft(64000).build())).isEqualTo(98);
    }

    @Test
    void a_smaller_dot_product_scores_higher_so_the_fuller_node_wins() {
      // 8-GPU node with everything free: N = (1, 1); P = (32000/128000, 8000/8000) = (0.25, 1)
      // d = 1.25/2 = 0.625 → 37.5 → 37; nearly full node N = (0.125, 0.125): d = (0.03125 + 0.125)/2 → 92
      PodRequest eightGpus = gpuPod(32000, 8, 1000);
      assertThat(policy.score(eightGpus, node("G2", 8).cpuCapacity(128000).build())).isEqualTo(37);
      assertThat(policy.score(eightGpus, node("G2", 8).cpuCapacity(128000).cpuLeft(16000)
          .gpuLeft(1000, 0, 0, 0, 0, 0, 0, 0).build())).isEqualTo(92);
    }

    @Test
    void cpu_only_pod_uses_only_the_cpu_component() {
      // d = (0.5 × 0.5) / 2 = 0.125 → 87.5 → 87
      assertThat(policy.score(cpuPod(64000), node("T4", 2).cpuCapacity(64000).build())).isEqualTo(87);
    }
  }

  @Nested
  class GpuClustering {
    private final GpuClusteringPolicy policy = new GpuClusteringPolicy();

    @Test
    void untagged_free_node_scores_base_plus_25() {
      // base = (25 × (8000 − 2000)) // 8000 = 18
      assertThat(policy.score(gpuPod(1000, 1, 500), node("T4", 2).build())).isEqualTo(18 + 25);
    }

    @Test
    void node_holding_only_the_same_tag_scores_base_plus_75_and_other_tags_base_plus_0() {
      SimNode n = node("T4", 2).gpuLeft(500, 1000).build();
      policy.placed(gpuPod(1000, 1, 500), n, new int[] {0});
      // base = (25 × (8000 − 1500)) // 8000 = 20
      assertThat(policy.score(gpuPod(1000, 1, 300), n)).isEqualTo(20 + 75);
      assertThat(policy.score(gpuPod(1000, 1, 1000), n)).isEqualTo(20);
    }

    @Test
    void node_with_two_tags_scores_base_plus_50_for_either() {
      SimNode n = node("G2", 8).gpuLeft(500, 0, 1000, 1000, 1000, 1000, 1000, 1000).build();
      policy.placed(gpuPod(1000, 1, 500), n, new int[] {0});
      policy.placed(gpuPod(1000, 1, 1000), n, new int[] {1});
      // base = (25 × (8000 − 6500)) // 8000 = 4
      assertThat(policy.score(gpuPod(1000, 1, 1000), n)).isEqualTo(4 + 50);
      assertThat(policy.score(gpuPod(1000, 2, 1000), n)).isEqualTo(4);
    }

    @Test
    void cpu_only_pods_score_zero_and_leave_no_tag() {
      SimNode n = node("T4", 2).build();
      policy.placed(cpuPod(1000), n, new int[0]);
      assertThat(policy.score(cpuPod(1000), n)).isZero();
      assertThat(policy.score(gpuPod(1000, 1, 500), n)).isEqualTo(18 + 25);
    }

    @Test
    void tags_are_share_gpu_or_count_gpu() {
      assertThat(GpuClusteringPolicy.tag(gpuPod(1, 1, 999))).isEqualTo("share-gpu");
      assertThat(GpuClusteringPolicy.tag(gpuPod(1, 1, 1000))).isEqualTo("1-gpu");
      assertThat(GpuClusteringPolicy.tag(gpuPod(1, 8, 1000))).isEqualTo("8-gpu");
    }
  }

  @Nested
  class GpuPacking {
    private final GpuPackingPolicy policy = new GpuPackingPolicy();

    @Test
    void the_authors_unit_test_vectors() {
      assertThat(policy.score(gpuPod(1000, 2, 1000), node("V100M16", 4).gpuLeft(200, 1000, 1000, 500).build()))
          .isEqualTo(48);
      assertThat(policy.score(gpuPod(1000, 2, 1000), node("V100M16", 4).build())).isEqualTo(29);
      assertThat(policy.score(gpuPod(1000, 2, 1000), node("G2", 8).build())).isEqualTo(25);
      assertThat(policy.score(gpuPod(1000, 2, 200), node("V100M16", 4).gpuLeft(200, 1000, 1000, 500).build()))
          .isEqualTo(93);
    }

    @Test
    void completely_free_small_nodes_are_opened_first() {
      assertThat(policy.score(gpuPod(1000, 1, 500), node("A10", 1).build())).isEqualTo(32);
      assertThat(policy.score(gpuPod(1000, 1, 500), node("T4", 2).build())).isEqualTo(31);
    }

    @Test
    void case_two_floors_at_33() {
      // 8-GPU node with one GPU used: taking 8... not feasible; taking 7 fully free GPUs → max(50 − 7, 33) = 43
      assertThat(policy.score(gpuPod(1000, 7, 1000), node("G2", 8).gpuLeft(0, 1000, 1000, 1000, 1000, 1000, 1000, 1000)
          .build())).isEqualTo(43);
    }

    @Test
    void case_one_floors_at_50() {
      // sharing pod of 100 on [900, 0]: only GPU 0 is taken, r = 90 → 100 − 9 = 91
      assertThat(policy.score(gpuPod(1000, 1, 100), node("T4", 2).gpuLeft(900, 0).build())).isEqualTo(91);
    }

    @Test
    void cpu_only_pods_score_zero() {
      assertThat(policy.score(cpuPod(1000), node("T4", 2).build())).isZero();
    }
  }

  @Nested
  class BestFit {
    private final BestFitPolicy policy = new BestFitPolicy();

    @Test
    void raw_score_is_the_reversed_weighted_leftover() {
      // 0.5 × 60000/128000 + 0.5 × 1500/8000 = 0.234375 + 0.09375 = 0.328125 → trunc(67.1875) = 67
      assertThat(policy.score(gpuPod(4000, 1, 500), node("T4", 2).cpuLeft(64000).build())).isEqualTo(67);
    }

    @Test
    void scores_are_min_max_rescaled_with_integer_division() {
      int[] scores = {67, 50, 84};
      policy.normalise(scores);
      assertThat(scores).containsExactly((17 * 100) / 34, 0, 100);
    }

    @Test
    void equal_scores_all_become_zero() {
      int[] scores = {40, 40};
      policy.normalise(scores);
      assertThat(scores).containsExactly(0, 0);
    }
  }

  @Nested
  class NodeChoice {

    @Test
    void ties_go_to_the_smallest_rank() {
      List<SimNode> nodes = cluster(node("T4", 2), node("T4", 2), node("T4", 2));
      Policy.Decision d = new DotProdPolicy().decide(gpuPod(1000, 1, 500), nodes);
      assertThat(d).isInstanceOfSatisfying(Policy.Decision.Placed.class, p -> assertThat(p.nodeRank()).isZero());
    }

    @Test
    void bestfit_prefers_the_tighter_node_whatever_its_rank() {
      List<SimNode> nodes = cluster(node("T4", 2), node("T4", 2).gpuLeft(600, 1000));
      Policy.Decision d = new BestFitPolicy().decide(gpuPod(1000, 1, 500), nodes);
      assertThat(((Policy.Decision.Placed) d).nodeRank()).isEqualTo(1);
      assertThat(((Policy.Decision.Placed) d).gpus()).containsExactly(0);
    }

    @Test
    void infeasible_nodes_are_filtered_out_by_cpu_gpu_and_model() {
      List<SimNode> nodes = cluster(node("T4", 2).cpuLeft(500), node("T4", 2).gpuLeft(400, 300),
          node("P100", 2), node("V100M32", 2));
      Policy.Decision d = new GpuPackingPolicy().decide(TestNodes.typedPod(1000, 1, 500, "V100M16|V100M32"), nodes);
      assertThat(((Policy.Decision.Placed) d).nodeRank()).isEqualTo(3);
    }

    @Test
    void a_pod_that_fits_nowhere_is_rejected_as_data() {
      List<SimNode> nodes = cluster(node("T4", 2).gpuLeft(400, 300));
      assertThat(new DotProdPolicy().decide(gpuPod(1000, 1, 500), nodes))
          .isInstanceOf(Policy.Decision.Rejected.class);
    }
  }
}
