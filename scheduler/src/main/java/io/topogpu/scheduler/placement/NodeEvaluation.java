package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.model.Assignment;
import java.util.Optional;

/**
 * The verdict on one node for one pod: either feasible, with the devices the pod would get and the
 * score, or rejected with the reason.
 *
 * @param chosen for whole-GPU requests, the chosen set with its objective value
 */
public record NodeEvaluation(
    String node,
    Optional<Assignment> assignment,
    Optional<GpuSet> chosen,
    Optional<ScoreBreakdown> score,
    Optional<Rejection> rejection) {

  static NodeEvaluation feasible(Assignment a, Optional<GpuSet> chosen, ScoreBreakdown score) {
    return new NodeEvaluation(a.node(), Optional.of(a), chosen, Optional.of(score), Optional.empty());
  }

  static NodeEvaluation rejected(String node, Rejection r) {
    return new NodeEvaluation(node, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(r));
  }

  public boolean feasible() {
    return rejection.isEmpty();
  }

  /** The extender score 0..10; 0 for a rejected node. */
  public int points() {
    return score.map(ScoreBreakdown::score).orElse(0);
  }
}
