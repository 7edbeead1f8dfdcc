package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.LinkConstraint;
import java.util.Optional;

/**
 * Filter and device choice for one kind of {@link GpuRequest} on one node whose topology is known.
 * One implementation per request kind; {@link Placer} picks it from a table by request class.
 */
interface Fit<R extends GpuRequest> {

  /** Either a rejection, or the devices the pod gets plus the set-choice facts scoring needs. */
  record Result(Optional<Rejection> rejection, Optional<Assignment> assignment, Optional<GpuSet> chosen,
      Optional<GpuSet> ideal) {

    static Result reject(Rejection r) {
      return new Result(Optional.of(r), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static Result place(Assignment a) {
      return new Result(Optional.empty(), Optional.of(a), Optional.empty(), Optional.empty());
    }

    static Result place(Assignment a, GpuSet chosen, GpuSet ideal) {
      return new Result(Optional.empty(), Optional.of(a), Optional.of(chosen), Optional.of(ideal));
    }
  }

  Result fit(R request, LinkConstraint constraint, NodeState node);

  /**
   * Why the node cannot take the request, or empty: always {@code fit(...).rejection()}; a kind
   * may answer it without choosing devices (what the extender's filter asks).
   */
  default Optional<Rejection> reject(R request, LinkConstraint constraint, NodeState node) {
    return fit(request, constraint, node).rejection();
  }
}
