package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.GpuRequest;
import java.util.OptionalDouble;

/**
 * FGD-style (Weng et al., USENIX ATC '23) expected fragmentation against the typical workload that
 * {@link WorkloadMix} has learned online: how much of the node's idle GPU capacity the placement
 * makes unusable for the requests that usually arrive. With {@code room(g) = 1000 − used(g)} over the
 * node's placeable GPUs (healthy, not MIG) and {@code idle = Σ room(g)}, for a request kind m:
 *
 * <pre>
 *   frag_m(n) = idle                                   if m cannot fit on n (fewer than k GPUs with
 *                                                      room 1000 for k whole GPUs; no GPU with
 *                                                      room ≥ milli for a share)
 *             = Σ room(g) over GPUs with room(g) &lt; need_m   otherwise (need = 1000 whole, milli share)
 *   F(n)      = Σ_m p_m × frag_m(n)                    (milli-GPU)
 *   score     = σ((F(before) − F(after)) / 1000),      σ(x) = 1 / (1 + e^−x)
 * </pre>
 *
 * so 0.5 means the placement leaves the expected fragmentation unchanged, above 0.5 it lowers it
 * (e.g. a share filling a GPU's leftover that no typical request could use) and below 0.5 it raises
 * it (e.g. a share opening a fresh GPU on a node whose other GPUs are already split). It does not
 * apply until the mix has learned something, so a scheduler that never observes pods scores as
 * before, and it does not apply to MIG requests.
 */
final class ExpectedFragmentation implements ScoreTerm {
  static final String NAME = "expected-fragmentation";

  private final WorkloadMix mix;

  ExpectedFragmentation(WorkloadMix mix) {
    this.mix = mix;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public OptionalDouble score(ScoreContext c) {
    WorkloadMix.Snapshot s = mix.snapshot();
    if (s.empty() || c.request() instanceof GpuRequest.MigInstances) {
      return OptionalDouble.empty();
    }
    double delta = expected(s, c.before()) - expected(s, c.after());
    return OptionalDouble.of(1 / (1 + Math.exp(-delta / NodeState.MILLI_PER_GPU)));
  }

  /** F(n) of the formula above, in milli-GPU. */
  static double expected(WorkloadMix.Snapshot s, NodeState n) {
    long placeable = n.placeableMask();
    int[] room = new int[Long.bitCount(placeable)];
    int i = 0;
    long idle = 0;
    for (int g = 0; g < n.gpuCount(); g++) {
      if ((placeable & (1L << g)) != 0) {
        room[i] = NodeState.MILLI_PER_GPU - n.milliUsed(g);
        idle += room[i++];
      }
    }
    if (idle == 0) {
      return 0;
    }
    double f = 0;
    for (WorkloadMix.Kind k : s.kinds()) {
      f += k.probability() * fragmentation(k.request(), room, idle);
    }
    return f;
  }

  private static long fragmentation(GpuRequest r, int[] room, long idle) {
    int need = r instanceof GpuRequest.GpuShare sh ? sh.milli() : NodeState.MILLI_PER_GPU;
    int count = r instanceof GpuRequest.WholeGpus w ? w.count() : 1;
    int fitting = 0;
    long small = 0;
    for (int x : room) {
      if (x >= need) {
        fitting++;
      } else {
        small += x;
      }
    }
    return fitting >= count ? small : idle;
  }
}
