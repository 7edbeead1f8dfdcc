package io.topogpu.scheduler.extender;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backend's filter verdict, independent of the wire form: the nodes that can take the pod, the
 * rejected ones with their reasons, or an error about the pod as a whole. The HTTP layer only
 * echoes names that were in the request, in request order, so a backend cannot make kube-scheduler
 * fail by naming a node it was not asked about; a request node in neither collection counts as
 * filtered out.
 */
public record FilterResponse(
    List<String> feasible, Map<String, NodeRejection> rejected, Optional<String> error) {

  public FilterResponse {
    feasible = List.copyOf(feasible);
    rejected = Map.copyOf(rejected);
    if (error.isPresent() && error.get().isBlank()) {
      throw new IllegalArgumentException("error: must not be blank when present");
    }
  }

  public static FilterResponse of(List<String> feasible, Map<String, NodeRejection> rejected) {
    return new FilterResponse(feasible, rejected, Optional.empty());
  }

  /** Every node passes. */
  public static FilterResponse allFeasible(List<String> nodeNames) {
    return of(nodeNames, Map.of());
  }

  /** A failure about the pod itself (unknown gang, invalid annotations): the filter call fails. */
  public static FilterResponse failed(String error) {
    return new FilterResponse(List.of(), Map.of(), Optional.of(error));
  }
}
