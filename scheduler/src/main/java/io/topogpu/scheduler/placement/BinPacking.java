package io.topogpu.scheduler.placement;

import java.util.OptionalDouble;

/**
 * Fuller nodes first (kube-scheduler's MostAllocated for GPUs), in milli-GPU after placement:
 *
 * <pre>  binpack = used(after) / capacity</pre>
 *
 * where a whole or shared GPU counts its used milli and a MIG GPU 1000 × held slices / slices.
 */
final class BinPacking implements ScoreTerm {
  static final String NAME = "binpack";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public OptionalDouble score(ScoreContext c) {
    long capacity = c.after().capacityMilli();
    if (capacity == 0) {
      return OptionalDouble.of(0);
    }
    return OptionalDouble.of(Math.min(1.0, (double) c.after().usedMilli() / capacity));
  }
}
