package io.topogpu.scheduler.placement;

import io.topogpu.topology.objective.SetValue;
import java.util.OptionalDouble;

/**
 * How close the chosen GPU set comes to the best set of the same size this node shape offers when
 * empty. With S the chosen set and B the ideal one:
 *
 * <pre>
 *   quality = ( min(1, bottleneck(S) / bottleneck(B))
 *             + min(1, total(S) / total(B))
 *             + min(1, numaSpan(B) / numaSpan(S)) ) / 3
 * </pre>
 *
 * Applies to whole-GPU requests of 2 or more GPUs; a single GPU, a MIG instance or a share has no
 * links to rate.
 */
final class TopologyQuality implements ScoreTerm {
  static final String NAME = "topology";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public OptionalDouble score(ScoreContext c) {
    if (c.chosen().isEmpty() || c.ideal().isEmpty() || c.chosen().get().size() < 2) {
      return OptionalDouble.empty();
    }
    SetValue s = c.chosen().get().value();
    SetValue b = c.ideal().get().value();
    return OptionalDouble.of((ratio(s.bottleneck(), b.bottleneck())
        + ratio(s.total(), b.total())
        + ratio(b.numaSpan(), s.numaSpan())) / 3);
  }

  private static double ratio(double got, double best) {
    return best <= 0 ? 1 : Math.min(1, got / best);
  }
}
