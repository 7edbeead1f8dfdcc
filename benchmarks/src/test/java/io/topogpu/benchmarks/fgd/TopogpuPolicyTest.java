package io.topogpu.benchmarks.fgd;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.NodeTopology;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The adapter over the scheduler's placer, driven the way the simulator drives it (decide, commit,
 * placed) on a cluster that starts empty; expected decisions worked out by hand.
 */
class TopogpuPolicyTest {

  private static List<SimNode> cluster(String model, int gpus, int nodes) {
    return java.util.stream.IntStream.range(0, nodes)
        .mapToObj(r -> TestNodes.node(model, gpus).rank(r).build()).toList();
  }

  private static PodRequest pod(String name, long cpu, int count, int milli, String type) {
    return new PodRequest(name, cpu, 1024, count, milli, type);
  }

  /** What the simulator does with one arrival; returns the decision. */
  private static Policy.Decision place(Policy policy, PodRequest pod, List<SimNode> nodes) {
    Policy.Decision d = policy.decide(pod, nodes);
    if (d instanceof Policy.Decision.Placed p) {
      SimNode node = nodes.get(p.nodeRank());
      node.commit(pod, p.gpus());
      policy.placed(pod, node, p.gpus());
    }
    return d;
  }

  private static Policy topogpu() {
    return FgdPolicies.require("topogpu").factory().apply(null);
  }

  private static Policy baseline() {
    return FgdPolicies.require("topogpu-baseline").factory().apply(null);
  }

  @Test
  void openb_nodes_get_two_numa_groups_from_four_gpus_and_one_below() {
    NodeTopology eight = OpenbTopologies.of(8);
    assertThat(eight.numaGroups()).containsExactly(List.of(0, 1, 2, 3), List.of(4, 5, 6, 7));
    assertThat(eight.link(0, 3).kind()).isEqualTo(LinkKind.NODE);
    assertThat(eight.link(3, 4).kind()).isEqualTo(LinkKind.SYS);
    assertThat(eight.nvlinkDomains()).isEmpty();
    NodeTopology two = OpenbTopologies.of(2);
    assertThat(two.numaGroups()).containsExactly(List.of(0, 1));
    assertThat(two.link(0, 1).kind()).isEqualTo(LinkKind.PHB);
    assertThat(OpenbTopologies.of(1).gpuCount()).isEqualTo(1);
  }

  /**
   * Two empty 2-GPU T4 nodes. A 2-GPU pod (8 cores) ties everywhere and takes rank 0, GPUs 0 and 1. A
   * CPU-only pod then goes to rank 0 under topogpu (no idle GPU there: sparing 1 vs 1/3), but to rank 1
   * under the baseline, where only kube-scheduler's LeastAllocated speaks (rank 1 has all its CPU).
   */
  @Test
  void cpu_only_pods_go_where_gpus_are_used_up_when_the_extender_sees_them() {
    List<SimNode> a = cluster("T4", 2, 2);
    Policy t = topogpu();
    Policy.Decision train = place(t, pod("train", 8000, 2, 1000, ""), a);
    assertThat(((Policy.Decision.Placed) train).nodeRank()).isZero();
    assertThat(((Policy.Decision.Placed) train).gpus()).containsExactly(0, 1);
    assertThat(((Policy.Decision.Placed) place(t, pod("etl", 4000, 0, 0, ""), a)).nodeRank()).isZero();
    List<SimNode> b = cluster("T4", 2, 2);
    Policy base = baseline();
    place(base, pod("train", 8000, 2, 1000, ""), b);
    assertThat(((Policy.Decision.Placed) place(base, pod("etl", 4000, 0, 0, ""), b)).nodeRank()).isEqualTo(1);
  }

  /**
   * Learned mix {500: ½, 300: ½}. After a 500 share on rank 0 GPU 0 (room 500), a 300 share there would
   * leave room 200, which neither kind can use: F 0 → 200, σ(−0.2); on the empty rank 1 it leaves 700:
   * F stays 0, σ(0). So it opens rank 1's GPU 0.
   */
  @Test
  void a_share_that_would_strand_an_unusable_leftover_opens_a_fresh_gpu() {
    List<SimNode> nodes = cluster("T4", 2, 2);
    Policy t = topogpu();
    place(t, pod("a", 1000, 1, 500, ""), nodes);
    Policy.Decision d = place(t, pod("b", 1000, 1, 300, ""), nodes);
    assertThat(((Policy.Decision.Placed) d).nodeRank()).isEqualTo(1);
    assertThat(((Policy.Decision.Placed) d).gpus()).containsExactly(0);
    assertThat(nodes.get(0).gpuLeftArray()).containsExactly(500, 1000);
  }

  /** kube-scheduler's filters come first: a pod pinned to V100M16 never lands on a T4 node. */
  @Test
  void gpu_model_and_cpu_are_pre_filtered_and_a_pod_that_fits_nowhere_is_rejected_as_data() {
    List<SimNode> nodes = cluster("T4", 2, 1);
    assertThat(place(topogpu(), pod("pinned", 1000, 1, 1000, "V100M16"), nodes))
        .isInstanceOf(Policy.Decision.Rejected.class);
    assertThat(place(topogpu(), pod("huge", 65_000, 1, 1000, ""), nodes))
        .isInstanceOf(Policy.Decision.Rejected.class);
    Policy.Decision tooMany = place(topogpu(), pod("wide", 1000, 4, 1000, ""), nodes);
    assertThat(((Policy.Decision.Rejected) tooMany).reason()).startsWith("0/1 nodes are available");
  }
}
