package io.topogpu.scheduler.extender;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A backend that decides nothing: every node passes, every node scores 0, bind succeeds without
 * touching any API server, always ready. Served through the same HTTP stack and JSON codec as the
 * real backend, it is the floor the speed benchmark compares against.
 */
public final class NoopBackend implements ExtenderBackend {

  @Override
  public FilterResponse filter(FilterRequest request) {
    return FilterResponse.allFeasible(request.nodeNames());
  }

  @Override
  public List<HostPriority> prioritize(FilterRequest request) {
    List<HostPriority> scores = new ArrayList<>(request.nodeNames().size());
    for (String node : request.nodeNames()) {
      scores.add(new HostPriority(node, HostPriority.MIN_SCORE));
    }
    return scores;
  }

  @Override
  public CompletionStage<BindResponse> bind(BindRequest request) {
    return CompletableFuture.completedFuture(BindResponse.bound());
  }

  @Override
  public Readiness readiness() {
    return Readiness.READY;
  }
}
