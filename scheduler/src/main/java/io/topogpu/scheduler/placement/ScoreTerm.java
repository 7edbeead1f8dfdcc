package io.topogpu.scheduler.placement;

import java.util.OptionalDouble;

/**
 * One named part of a node's score. A term maps a feasible placement to [0, 1], 1 best, or to empty
 * when it has nothing to say about this pod (then its weight is left out of the weighted mean).
 * Terms are stateless; the policy gives each a weight.
 */
public interface ScoreTerm {
  /** The name used in policy files and in score breakdowns. */
  String name();

  OptionalDouble score(ScoreContext c);
}
