package io.topogpu.scheduler.demo;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.scheduler.placement.GpuSet;
import io.topogpu.scheduler.placement.GpuSetChooser;
import io.topogpu.topology.objective.SetValue;
import java.util.Collection;
import java.util.OptionalLong;

/**
 * The demo's yardstick for a multi-GPU pod: the best link any node of the cluster could have given
 * it at the moment it was placed, not the best its own node shape offers (a PCIe server's best pair
 * is still PCIe while an NVLink pair may be free elsewhere).
 *
 * <pre>  best(k) = max over nodes n with a known topology of bottleneck(best k-set of n's free GPUs)</pre>
 *
 * with bottleneck the slowest pair bandwidth of the set ({@link SetValue#bottleneck()}) and the
 * best k-set chosen by the placement core's own {@link GpuSetChooser} without constraints. A pod
 * is on the best available set when its set's bottleneck is at least {@code best(k)}.
 */
final class BestAvailable {
  private final GpuSetChooser chooser;

  BestAvailable(GpuSetChooser chooser) {
    this.chooser = chooser;
  }

  /** {@code best(k)} over {@code nodes} as they are; empty when no node has {@code k} free GPUs. */
  OptionalLong bottleneck(Collection<NodeState> nodes, int k) {
    long best = -1;
    for (NodeState n : nodes) {
      if (n.topology().isEmpty() || Long.bitCount(n.freeMask()) < k) {
        continue;
      }
      long b = chooser.choose(n.topology().get(), n.shape(), n.freeMask(), k, LinkConstraint.NONE)
          .map(s -> s.value().bottleneck()).orElse(-1L);
      best = Math.max(best, b);
    }
    return best < 0 ? OptionalLong.empty() : OptionalLong.of(best);
  }

  /** Whether {@code a} (on {@code node}) has a bottleneck at least {@code best}. */
  static boolean meets(NodeState node, Assignment a, long best) {
    long mask = GpuSet.maskOf(a.gpus());
    return SetValue.of(node.topology().orElseThrow(), mask, mask).bottleneck() >= best;
  }
}
