package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.placement.GpuSet;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stock NVIDIA device plugin's GPU choice (go-gpuallocator besteffort), worked by hand on real shapes.
 * L40S node: GPUs 0-3 on socket 0, 4-7 on socket 1 (NODE = 20 inside a socket, SYS = 10 across).
 * Azure NC96ads: NV12 bridges 0-1 and 2-3, every GPU on its own NUMA node (SYS).
 */
class DevicePluginAllocatorTest {
  private final DevicePluginAllocator plugin = new DevicePluginAllocator();
  private final NodeTopology l40s = Shapes.load("l40s-8gpu-pcie-node-sys");
  private final NodeTopology azure = Shapes.load("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs");

  @Test
  void oneGpuIsTheFirstFreeIndex() {
    assertThat(pick(l40s, List.of(3, 5, 6), 1)).containsExactly(3);
  }

  @Test
  void pairAvoidsTheSocketCrossingThatFirstFreeWouldTake() {
    // free {0,4,5,6}: every partition into pairs scores 30 ({0,x}=10 + the other pair 20); the first one
    // enumerated is [[0,4],[5,6]], and its best set is {5,6} (20 > 10).
    assertThat(pick(l40s, List.of(0, 4, 5, 6), 2)).containsExactly(5, 6);
  }

  @Test
  void pairOnAnEmptyNodeIsTheFirstSameSocketPair() {
    // best partition [[0,1],[2,3],[4,5],[6,7]] scores 80; its sets tie at 20, the first wins.
    assertThat(pick(l40s, List.of(0, 1, 2, 3, 4, 5, 6, 7), 2)).containsExactly(0, 1);
  }

  @Test
  void fourGpusStayOnOneSocket() {
    // free {1,2,3,4,5,6,7}: {4,5,6,7} scores 6 × 20 = 120, any set mixing sockets less.
    assertThat(pick(l40s, List.of(1, 2, 3, 4, 5, 6, 7), 4)).containsExactly(4, 5, 6, 7);
  }

  @Test
  void bridgedPairWinsByItsNvlinks() {
    // free {0,2,3}: padded to [0,2,3,_]; [[0,_],[2,3]] scores 1200 + 10, the others 10.
    assertThat(pick(azure, List.of(0, 2, 3), 2)).containsExactly(2, 3);
  }

  @Test
  void pairScoresFollowTheAllocatorTable() {
    assertThat(DevicePluginAllocator.pairScore(l40s, 0, 1)).isEqualTo(20);
    assertThat(DevicePluginAllocator.pairScore(l40s, 0, 4)).isEqualTo(10);
    assertThat(DevicePluginAllocator.pairScore(azure, 0, 1)).isEqualTo(10 + 12 * 100);
  }

  @Test
  void tooFewFreeGpusGiveNothing() {
    assertThat(plugin.allocate(l40s, GpuSet.maskOf(List.of(0, 1)), 3)).isZero();
  }

  private List<Integer> pick(NodeTopology t, List<Integer> free, int size) {
    return GpuSet.indices(plugin.allocate(t, GpuSet.maskOf(free), size));
  }
}
