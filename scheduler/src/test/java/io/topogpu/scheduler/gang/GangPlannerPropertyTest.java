package io.topogpu.scheduler.gang;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import io.topogpu.topology.Keys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random labelled clusters of 8-GPU DGX A100 nodes (every GPU pair NVSwitch-connected, so a node
 * with f free GPUs takes exactly ⌊f / k⌋ members of k GPUs) against an independent count: the
 * tightest level with a domain where Σ ⌊free / k⌋ ≥ members is the level the planner must use,
 * and when no level has one, the gang must be rejected.
 */
class GangPlannerPropertyTest {
  private final GangPlanner planner =
      new GangPlanner(new Placer(Policy.defaults()), new NetworkTiers(TierConfig.defaults()));

  static IntStream seeds() {
    return IntStream.rangeClosed(1, 60);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void theTightestLevelWithRoomIsUsedAndEveryMemberGetsItsOwnGpus(int seed) {
    Random r = new Random(seed);
    List<NodeState> nodes = new ArrayList<>();
    for (int i = 0; i < 4 + r.nextInt(6); i++) {
      int leaf = r.nextInt(3);
      MakeNode n = MakeNode.named("n" + i).shape("dgx-a100-8gpu-nv12")
          .label(Keys.LABEL_LEGACY_LEAF, "l" + leaf).label(Keys.LABEL_LEGACY_SPINE, leaf < 2 ? "s0" : "s1");
      if (r.nextBoolean()) {
        n.label(Keys.LABEL_GPU_CLIQUE, "c" + r.nextInt(2));
      }
      for (int g = 0; g < 8; g++) {
        if (r.nextInt(3) == 0) {
          n.busy(g);
        }
      }
      nodes.add(n.state());
    }
    int k = List.of(1, 2, 4, 8).get(r.nextInt(4));
    int size = 1 + r.nextInt(5);
    List<PodInfo> members = IntStream.range(0, size)
        .mapToObj(i -> GangPods.member("p", size, "w-" + i).gpus(k).obj()).toList();

    Optional<String> expected = expectedLevel(nodes, k, size);
    GangPlanResult result = planner.plan(
        GangRequest.of(new GangIdentity("default", "p", size, GangSource.TOPOGPU), members), nodes);

    if (expected.isEmpty()) {
      assertThat(result).isInstanceOf(GangRejection.class);
      return;
    }
    assertThat(result).isInstanceOf(GangPlacement.class);
    GangPlacement p = (GangPlacement) result;
    assertThat(p.level()).isEqualTo(expected.get());
    Set<String> used = new HashSet<>();
    for (Assignment a : p.assignments().values()) {
      assertThat(a.gpus()).hasSize(k);
      NodeState before = nodes.stream().filter(n -> n.name().equals(a.node())).findFirst().orElseThrow();
      for (int g : a.gpus()) {
        assertThat((before.freeMask() >> g) & 1).as("GPU %d of %s was free", g, a.node()).isEqualTo(1L);
        assertThat(used.add(a.node() + "#" + g)).as("GPU %d of %s used once", g, a.node()).isTrue();
      }
    }
    Function<String, String> domainOf = node -> domain(nodes, node, p.level());
    assertThat(p.assignments().values().stream().map(a -> domainOf.apply(a.node())).distinct()).hasSize(1);
  }

  /** First of node, clique, leaf, spine, cluster with a domain whose Σ ⌊free / k⌋ ≥ size. */
  private static Optional<String> expectedLevel(List<NodeState> nodes, int k, int size) {
    for (String level : List.of("node", "clique", "leaf", "spine", "cluster")) {
      Map<String, Integer> room = new TreeMap<>();
      for (NodeState n : nodes) {
        String d = domain(nodes, n.name(), level);
        if (d != null) {
          room.merge(d, Long.bitCount(n.freeMask()) / k, Integer::sum);
        }
      }
      if (room.values().stream().anyMatch(m -> m >= size)) {
        return Optional.of(level);
      }
    }
    return Optional.empty();
  }

  private static String domain(List<NodeState> nodes, String node, String level) {
    NodeState n = nodes.stream().filter(x -> x.name().equals(node)).findFirst().orElseThrow();
    return switch (level) {
      case "node" -> node;
      case "clique" -> n.node().labels().get(Keys.LABEL_GPU_CLIQUE);
      case "leaf" -> n.node().labels().get(Keys.LABEL_LEGACY_LEAF);
      case "spine" -> n.node().labels().get(Keys.LABEL_LEGACY_SPINE);
      default -> "all";
    };
  }
}
