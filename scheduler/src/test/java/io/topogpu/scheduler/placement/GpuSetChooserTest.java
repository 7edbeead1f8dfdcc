package io.topogpu.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.scheduler.model.Shape;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import io.topogpu.topology.testing.MakeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GpuSetChooserTest {

  /** DGX-1 V100 hybrid cube mesh: mixed NV1 / NV2 links, SYS where no NVLink, two sockets. */
  static NodeTopology hybridCubeMesh() {
    int[][] nv2 = {{0, 3}, {0, 4}, {1, 2}, {1, 5}, {2, 3}, {4, 7}, {5, 6}, {6, 7}};
    int[][] nv1 = {{0, 1}, {0, 2}, {1, 3}, {2, 6}, {3, 7}, {4, 5}, {4, 6}, {5, 7}};
    MakeTopology m = MakeTopology.gpus(8).pcie(LinkKind.SYS).numa(0, 0, 0, 0, 1, 1, 1, 1);
    for (int[] p : nv2) {
      m.link(p[0], p[1], Link.nvlink(2));
    }
    for (int[] p : nv1) {
      m.link(p[0], p[1], Link.nvlink(1));
    }
    return m.build();
  }

  static Stream<Arguments> shapes() {
    List<Arguments> out = new ArrayList<>();
    Shapes.names().forEach(n -> out.add(Arguments.of(n, Shapes.load(n))));
    out.add(Arguments.of("v100-hybrid-cube-mesh", hybridCubeMesh()));
    return out.stream();
  }

  /**
   * For every shape, every k and every constraint, random free sets: the chooser (whose memo is
   * shared across all trials, so repeated free sets are answered from it) must return exactly the
   * brute force's best set.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void choiceEqualsBruteForceOptimum(String name, NodeTopology t) {
    GpuSetChooser chooser = new GpuSetChooser(1024);
    Shape shape = Shape.of(t);
    Random random = new Random(name.hashCode());
    int n = t.gpuCount();
    int trials = n > 8 ? 4 : 24;
    for (LinkConstraint c : LinkConstraint.values()) {
      for (int k = 1; k <= n; k++) {
        for (int trial = 0; trial < trials; trial++) {
          long free = trial == 0 ? (1L << n) - 1 : randomMask(random, n);
          List<Integer> freeList = GpuSet.indices(free);
          Optional<List<Integer>> expected = BruteForce.best(t, freeList, k, c);
          Optional<List<Integer>> got = chooser.choose(t, shape, free, k, c).map(GpuSet::indices);
          assertThat(got).as("%s k=%d %s free=%s", name, k, c, freeList).isEqualTo(expected);
          Optional<List<Integer>> again = chooser.choose(t, shape, free, k, c).map(GpuSet::indices);
          assertThat(again).as("memoised %s k=%d %s free=%s", name, k, c, freeList).isEqualTo(expected);
        }
      }
    }
  }

  private static long randomMask(Random r, int n) {
    long m = 0;
    double p = 0.3 + 0.6 * r.nextDouble();
    for (int g = 0; g < n; g++) {
      if (r.nextDouble() < p) {
        m |= 1L << g;
      }
    }
    return m;
  }

  @Test
  void nodesOfOneShapeShareMemoEntriesWhateverTheirUuids() {
    GpuSetChooser chooser = new GpuSetChooser(16);
    NodeTopology a = Shapes.load("dgx-a100-8gpu-nv12");
    NodeTopology b = a.withGpus(a.gpus().stream().map(g -> new io.topogpu.topology.model.Gpu(
        g.index(), "GPU-b-" + g.index(), g.model(), g.memoryMiB(), g.pciBusId(), g.numaNode(),
        g.cpuAffinity(), g.health(), g.mig())).toList());
    chooser.choose(a, Shape.of(a), 0xF8L, 4, LinkConstraint.NONE);
    chooser.choose(b, Shape.of(b), 0xF8L, 4, LinkConstraint.NONE);
    assertThat(chooser.cached()).isEqualTo(1);
  }

  @Test
  void memoIsBoundedByItsCapacity() {
    GpuSetChooser chooser = new GpuSetChooser(3);
    NodeTopology t = Shapes.load("l40s-8gpu-pcie-node-sys");
    for (int k = 1; k <= 6; k++) {
      chooser.choose(t, Shape.of(t), 0xFFL, k, LinkConstraint.NONE);
    }
    assertThat(chooser.cached()).isEqualTo(3);
  }

  /** Above 16 GPUs the greedy heuristic runs; on an NVSwitch node it must still be optimal. */
  @Test
  void heuristicAboveSixteenGpusMatchesBruteForceOnAnNvswitchNode() {
    int n = 18;
    int[] numa = new int[n];
    for (int g = 0; g < n; g++) {
      numa[g] = g / 6;
    }
    NodeTopology t = MakeTopology.gpus(n).nvswitch(18).numa(numa).build();
    GpuSetChooser chooser = new GpuSetChooser(0);
    long free = 0b10_1101_1011_0111_0110L;
    for (int k = 1; k <= 3; k++) {
      assertThat(chooser.choose(t, Shape.of(t), free, k, LinkConstraint.NONE).map(GpuSet::indices))
          .as("k=%d", k)
          .isEqualTo(BruteForce.best(t, GpuSet.indices(free), k, LinkConstraint.NONE));
    }
  }
}
