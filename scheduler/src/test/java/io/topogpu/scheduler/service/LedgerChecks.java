package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.state.ClusterState;
import java.util.List;

/** Invariants of a ledger that every test of bad input, restarts or concurrency checks. */
final class LedgerChecks {
  private LedgerChecks() {}

  /** No GPU (whole, beyond 1000 milli) and no MIG instance has two holders. */
  static void assertNoGpuTwice(ClusterState state) {
    for (NodeState n : state.nodes()) {
      n.holdersByGpu().forEach((gpu, holders) -> {
        long whole = holders.stream().filter(h -> n.pods().get(h) != null && !n.pods().get(h).isShare()).count();
        assertThat(whole == 0 || holders.size() == 1)
            .as("holders of GPU %d on %s: %s", gpu, n.name(), holders).isTrue();
      });
      List<String> mig = n.pods().values().stream().flatMap(a -> a.mig().stream())
          .map(s -> s.gpu() + "@" + s.start()).toList();
      assertThat(mig).as("MIG instances held on %s", n.name()).doesNotHaveDuplicates();
    }
  }
}
