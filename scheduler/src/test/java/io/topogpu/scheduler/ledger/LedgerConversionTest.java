package io.topogpu.scheduler.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.testing.MakeNode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A gang reservation becoming a member's allocation in one step (the barrier opening). */
class LedgerConversionTest {
  private final Ledger ledger = new Ledger();

  LedgerConversionTest() {
    ledger.putNode(MakeNode.named("n1").shape("dgx-a100-8gpu-nv12").clusterNode());
  }

  private static Assignment gpus(Integer... indices) {
    return Assignment.whole("n1", List.of(indices), Arrays.stream(indices).map(i -> "GPU-" + i).toList());
  }

  @Test
  @DisplayName("the reserved GPUs become the member's: no reservation left, the member holds them")
  void reservationBecomesAllocation() {
    ledger.reserve("gang:g#0", gpus(0, 1, 2, 3));

    ledger.convertReservation("gang:g#0", "default/w-0", gpus(0, 1, 2, 3));

    NodeState n = ledger.node("n1").orElseThrow();
    assertThat(n.reservations()).isEmpty();
    assertThat(n.pods()).containsOnlyKeys("default/w-0");
    assertThat(ledger.holding("default/w-0")).contains(gpus(0, 1, 2, 3));
    assertThat(Long.bitCount(n.freeMask())).isEqualTo(4);
  }

  @Test
  @DisplayName("GPUs someone else holds: refused, and the reservation is still there")
  void conflictChangesNothing() {
    ledger.reserve("gang:g#0", gpus(0, 1));
    ledger.allocate("default/other", gpus(2));

    assertThatThrownBy(() -> ledger.convertReservation("gang:g#0", "default/w-0", gpus(1, 2)))
        .isInstanceOf(AllocationConflict.class);

    NodeState n = ledger.node("n1").orElseThrow();
    assertThat(n.reservations()).containsOnlyKeys("gang:g#0");
    assertThat(n.pods()).containsOnlyKeys("default/other");
    assertThat(ledger.holding("default/w-0")).isEmpty();
  }

  @Test
  @DisplayName("a holder that already holds GPUs: refused")
  void holderAlreadyHolding() {
    ledger.reserve("gang:g#0", gpus(0));
    ledger.allocate("default/w-0", gpus(5));

    assertThatThrownBy(() -> ledger.convertReservation("gang:g#0", "default/w-0", gpus(0)))
        .isInstanceOf(AllocationConflict.class).hasMessageContaining("default/w-0 already holds GPUs on node n1");
    assertThat(ledger.node("n1").orElseThrow().reservations()).containsOnlyKeys("gang:g#0");
  }
}
