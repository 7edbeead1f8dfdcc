package io.topogpu.scheduler.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.testing.MakeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeState#with} accounts only the new holding on top of its base; these cases pin that
 * it always agrees with accounting every holding from scratch, and that conflicts still name the
 * newcomer.
 */
class NodeStateTest {

  /** Two GPUs in MIG mode (mig-parted all-balanced), one unhealthy, five whole. */
  private static final NodeTopology MIXED = MakeTopology.gpus(8).nvswitch(12)
      .mig(0, balanced("a")).mig(1, balanced("b")).unhealthy(7).build();

  static MigState balanced(String gpu) {
    return new MigState(true, 8, List.of(
        new MigInstance("2g.20gb", 0, 2, 19968, "MIG-" + gpu + "-0", 3),
        new MigInstance("1g.10gb", 2, 1, 9728, "MIG-" + gpu + "-2", 9),
        new MigInstance("1g.10gb", 3, 1, 9728, "MIG-" + gpu + "-3", 10),
        new MigInstance("3g.40gb", 4, 4, 40192, "MIG-" + gpu + "-4", 2)));
  }

  /**
   * 300 random sequences of up to 12 holdings (whole GPUs, shares, MIG instances; the ones that
   * conflict are refused and skipped): after every step, the incrementally built state reads the
   * same as the same holdings accounted from scratch ({@link NodeState#onNode} re-accounts all).
   */
  @Test
  void incrementalAccountingEqualsAccountingFromScratch() {
    Random random = new Random(7);
    for (int run = 0; run < 300; run++) {
      NodeState s = MakeNode.named("n").topology(MIXED).state();
      for (int step = 0; step < 12; step++) {
        Assignment a = randomHolding(random);
        try {
          s = s.with("pod-" + step, a);
        } catch (AllocationConflict refused) {
          continue;
        }
        assertSameUsage(s, s.onNode(s.node()));
      }
    }
  }

  @Test
  void aDerivedValueIsComputedOnceAndKeptWithTheState() {
    NodeState state = MakeNode.named("n").shape("dgx-a100-8gpu-nv12").busy(0).state();
    List<String> computed = new ArrayList<>();

    String first = state.derived("k", () -> { computed.add("k"); return "v1"; });
    String second = state.derived("k", () -> { computed.add("k"); return "v2"; });

    assertThat(first).isEqualTo("v1");
    assertThat(second).isEqualTo("v1");
    assertThat(computed).containsExactly("k");
    assertThat(state.without("default/not-here")).as("same state, same memo").isSameAs(state);
    assertThat(state.with("default/p", Assignment.whole("n", List.of(1), List.of("")))
        .hasDerived("k")).as("a changed state starts empty").isFalse();
  }

  @Test
  void theDerivedMemoIsBoundedAndStartsOverWhenFull() {
    NodeState state = MakeNode.named("n").shape("dgx-a100-8gpu-nv12").state();
    for (int i = 0; i < NodeState.MAX_DERIVED; i++) {
      int v = i;
      state.derived(i, () -> v);
    }
    assertThat(state.hasDerived(0)).isTrue();
    assertThat(state.hasDerived(NodeState.MAX_DERIVED - 1)).isTrue();

    assertThat(state.<Integer>derived("one more", () -> -1)).isEqualTo(-1);

    assertThat(state.hasDerived(0)).isFalse();
    assertThat(state.hasDerived("one more")).isTrue();
  }

  @Test
  void placeableMaskLeavesOutMigAndUnhealthyGpus() {
    NodeState s = MakeNode.named("n").topology(MIXED).state();
    assertThat(s.placeableMask()).isEqualTo(0b0111_1100L);
    assertThat(s.with("p", Assignment.whole("n", List.of(2), List.of(""))).placeableMask())
        .isEqualTo(0b0111_1100L);
  }

  @Test
  void aConflictNamesTheNewHolderNotTheOneAlreadyThere() {
    NodeState s = MakeNode.named("n").topology(MIXED).busy(3).state();
    assertThatThrownBy(() -> s.with("default/late", Assignment.share("n", 3, "", 250)))
        .isInstanceOf(AllocationConflict.class)
        .hasMessage("default/late needs 250 milli of GPU 3 on node n but only 0 are free");
  }

  @Test
  void aMigInstanceCannotBeHeldTwice() {
    NodeState s = MakeNode.named("n").topology(MIXED).migHeld(1, 2).state();
    assertThatThrownBy(() -> s.with("default/late", mig(1, 2)))
        .isInstanceOf(AllocationConflict.class)
        .hasMessage("default/late holds MIG instance 1@2 on node n already held by other/n-0");
  }

  /** Slices held per MIG GPU: 2g at 0 (2 slices) and 1g at 3 (1 slice) on GPU 0 → 3 of 8. */
  @Test
  void migSlicesCountOnlyTheInstancesHeld() {
    NodeState s = MakeNode.named("n").topology(MIXED).migHeld(0, 0).migHeld(0, 3).state();
    assertThat(s.migSlicesHeld(0)).isEqualTo(3);
    assertThat(s.migSlicesHeld(1)).isZero();
    assertThat(s.migHeld(mig(0, 3).mig().get(0))).isTrue();
    assertThat(s.migHeld(mig(0, 2).mig().get(0))).isFalse();
    assertThat(s.usedMilli()).isEqualTo(1000L * 3 / 8);
  }

  private static Assignment randomHolding(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> {
        List<Integer> gpus = new ArrayList<>();
        int k = 1 + random.nextInt(3);
        while (gpus.size() < k) {
          int g = 2 + random.nextInt(6);
          if (!gpus.contains(g)) {
            gpus.add(g);
          }
        }
        yield Assignment.whole("n", gpus.stream().sorted().toList(), gpus.stream().map(g -> "").toList());
      }
      case 1 -> Assignment.share("n", 2 + random.nextInt(6), "", 100 * (1 + random.nextInt(9)));
      default -> mig(random.nextInt(2), List.of(0, 2, 3, 4).get(random.nextInt(4)));
    };
  }

  private static Assignment mig(int gpu, int start) {
    MigInstance m = MIXED.gpu(gpu).mig().instances().stream().filter(i -> i.start() == start)
        .findFirst().orElseThrow();
    return Assignment.mig("n", List.of(new MigSlot(gpu, m.profile(), m.start(), m.size(), m.uuid())));
  }

  private static void assertSameUsage(NodeState incremental, NodeState fromScratch) {
    for (int g = 0; g < MIXED.gpuCount(); g++) {
      assertThat(incremental.milliUsed(g)).as("milli used of GPU %d", g).isEqualTo(fromScratch.milliUsed(g));
      if (MIXED.gpu(g).mig().enabled()) {
        assertThat(incremental.migSlicesHeld(g)).as("MIG slices of GPU %d", g)
            .isEqualTo(fromScratch.migSlicesHeld(g));
      }
    }
    assertThat(incremental.freeMask()).isEqualTo(fromScratch.freeMask());
    assertThat(incremental.placeableMask()).isEqualTo(fromScratch.placeableMask());
    assertThat(incremental.usedMilli()).isEqualTo(fromScratch.usedMilli());
    assertThat(incremental.pods()).isEqualTo(fromScratch.pods());
  }
}
