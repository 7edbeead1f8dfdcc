package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.ledger.NodeState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The starvation rule's bookkeeping: who holds, when, which nodes, one hold at a time. */
class StarvationHoldTest {
  private static final double AFTER = 600;
  private final List<NodeState> nodes = TestCluster.cluster().nodes(2, "dgx-a100-8gpu-nv12")
      .under("leaf-2", "spine-1").nodes(2, "dgx-a100-8gpu-nv12").build().stream()
      .map(n -> NodeState.empty(n.node())).toList();

  private static StarvationHold.Waiting waiting(int job, double arrival, boolean rejected, List<String> target) {
    return new StarvationHold.Waiting(job, arrival, rejected, () -> Optional.ofNullable(target));
  }

  @Test
  void theOldestRejectedGangPastTheThresholdHoldsItsTarget() {
    StarvationHold hold = new StarvationHold(AFTER);
    hold.refresh(1000, List.of(
        waiting(0, 500, true, List.of("node-00")),           // waited 500 s: not yet
        waiting(1, 100, false, List.of("node-01")),          // never rejected: not starving
        waiting(2, 200, true, List.of("node-02", "node-03")), // waited 800 s: holds
        waiting(3, 300, true, List.of("node-00"))));
    assertThat(hold.holder()).isEqualTo(2);
    assertThat(hold.heldNodes()).containsExactlyInAnyOrder("node-02", "node-03");
    assertThat(hold.openTo(3, nodes)).extracting(NodeState::name).containsExactly("node-00", "node-01");
    assertThat(hold.openTo(2, nodes)).hasSize(4);
  }

  @Test
  void theHoldIsKeptUntilItsGangStartsThenTheNextOldestMayHold() {
    StarvationHold hold = new StarvationHold(AFTER);
    AtomicInteger asked = new AtomicInteger();
    List<StarvationHold.Waiting> queue = List.of(waiting(0, 0, true, List.of("node-00")),
        new StarvationHold.Waiting(1, 10, true, () -> {
          asked.incrementAndGet();
          return Optional.of(List.of("node-01"));
        }));
    hold.refresh(700, queue);
    hold.refresh(800, queue);
    assertThat(hold.holder()).isZero();
    assertThat(asked).hasValue(0); // one hold at a time: the second gang's target is not even asked
    hold.started(1); // not the holder: nothing changes
    assertThat(hold.holder()).isZero();
    hold.started(0);
    assertThat(hold.holder()).isEqualTo(-1);
    hold.refresh(800, queue.subList(1, 2));
    assertThat(hold.holder()).isEqualTo(1);
    assertThat(hold.taken()).isEqualTo(2);
  }

  @Test
  void aGangNoDomainCouldEverHoldIsSkippedAsUnresolvable() {
    StarvationHold hold = new StarvationHold(AFTER);
    hold.refresh(1000, List.of(waiting(0, 0, true, null), waiting(1, 5, true, List.of("node-00"))));
    assertThat(hold.holder()).isEqualTo(1);
    hold.refresh(1000, List.of(waiting(0, 0, true, null)));
    assertThat(hold.holder()).isEqualTo(1);
  }

  @Test
  void keptFreeCapacityIsCountedOnlyWhileHeld() {
    StarvationHold hold = new StarvationHold(AFTER);
    hold.account(100, nodes);
    hold.refresh(600, List.of(waiting(0, 0, true, List.of("node-00", "node-01"))));
    hold.account(10, nodes); // 16 free GPUs held for 10 s
    assertThat(hold.keptFreeGpuSeconds()).isEqualTo(160.0);
  }

  @Test
  void thresholdMustBePositive() {
    assertThatThrownBy(() -> new StarvationHold(0)).hasMessageContaining("starvation threshold")
        .hasMessageContaining("0.0");
  }
}
