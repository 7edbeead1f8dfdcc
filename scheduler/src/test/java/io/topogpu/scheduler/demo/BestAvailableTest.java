package io.topogpu.scheduler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.placement.GpuSetChooser;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.topology.model.NodeTopology;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The demo's "best free in the cluster" yardstick, against the slowest-pair bandwidth worked out by
 * enumerating every k-subset of every node's free GPUs (independent of the placement core's
 * chooser).
 */
class BestAvailableTest {
  private final BestAvailable best = new BestAvailable(new GpuSetChooser(0));

  /** An empty 8-GPU PCIe server and a DGX A100 with only GPUs 6 and 7 free. */
  private final NodeState l40s = MakeNode.named("l40s").shape("l40s-8gpu-pcie-node-sys").state();
  private final NodeState dgx = MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").busy(0, 1, 2, 3, 4, 5).state();

  @Test
  @DisplayName("2 GPUs: the DGX's free NVLink pair beats any PCIe pair of the empty server")
  void pairGoesToNvlink() {
    OptionalLong b = best.bottleneck(List.of(l40s, dgx), 2);

    assertThat(b).hasValue(exhaustive(List.of(l40s, dgx), 2));
    assertThat(b.getAsLong()).isEqualTo(mbps(dgx, 6, 7)).isGreaterThan(exhaustive(List.of(l40s), 2));
    assertThat(BestAvailable.meets(dgx, Assignment.whole("dgx", List.of(6, 7), List.of("", "")), b.getAsLong()))
        .isTrue();
    assertThat(BestAvailable.meets(l40s, Assignment.whole("l40s", List.of(0, 1), List.of("", "")), b.getAsLong()))
        .isFalse();
  }

  @Test
  @DisplayName("4 GPUs: the DGX has only 2 free, so the best available is the PCIe server's best 4-set")
  void quadOnlyFitsThePcieServer() {
    assertThat(best.bottleneck(List.of(l40s, dgx), 4)).hasValue(exhaustive(List.of(l40s), 4));
  }

  @Test
  @DisplayName("3 GPUs when no node has 3 free: nothing is available")
  void nothingFree() {
    NodeState full = MakeNode.named("full").shape("l40s-8gpu-pcie-node-sys").busy(0, 1, 2, 3, 4, 5, 6).state();
    assertThat(best.bottleneck(List.of(full, dgx), 3)).isEmpty();
  }

  @Test
  @DisplayName("a node without topology is never the best available")
  void unknownTopologySkipped() {
    NodeState unknown = MakeNode.named("old").noTopology("topogpu.io/topology annotation missing").state();
    assertThat(best.bottleneck(List.of(unknown, l40s), 2)).hasValue(exhaustive(List.of(l40s), 2));
  }

  /** max over nodes and k-subsets of free GPUs of the subset's slowest pair, by enumeration. */
  private static long exhaustive(List<NodeState> nodes, int k) {
    long best = -1;
    for (NodeState n : nodes) {
      NodeTopology t = n.topology().orElseThrow();
      long free = n.freeMask();
      for (long set = 0; set < (1L << t.gpuCount()); set++) {
        if (Long.bitCount(set) != k || (set & ~free) != 0) {
          continue;
        }
        long slowest = Long.MAX_VALUE;
        for (int i = 0; i < t.gpuCount(); i++) {
          for (int j = i + 1; j < t.gpuCount(); j++) {
            if ((set >> i & 1) == 1 && (set >> j & 1) == 1) {
              slowest = Math.min(slowest, mbps(n, i, j));
            }
          }
        }
        best = Math.max(best, slowest);
      }
    }
    return best;
  }

  private static long mbps(NodeState n, int i, int j) {
    return Math.round(n.topology().orElseThrow().bandwidth(i, j) * 1000);
  }
}
