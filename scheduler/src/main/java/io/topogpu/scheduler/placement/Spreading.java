package io.topogpu.scheduler.placement;

import java.util.OptionalDouble;

/**
 * Emptier nodes first (kube-scheduler's LeastAllocated for GPUs), in milli-GPU after placement:
 *
 * <pre>  spread = 1 − used(after) / capacity</pre>
 */
final class Spreading implements ScoreTerm {
  static final String NAME = "spread";

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
    return OptionalDouble.of(Math.max(0.0, 1.0 - (double) c.after().usedMilli() / capacity));
  }
}
