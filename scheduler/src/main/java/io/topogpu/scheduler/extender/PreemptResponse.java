package io.topogpu.scheduler.extender;

import io.topogpu.scheduler.extender.PreemptRequest.NodeVictims;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The backend's preempt verdict: the nodes kept, each with the victims to evict there (a subset of
 * the request's nodes; a node with no victim is not allowed by the protocol and is dropped by the
 * HTTP layer). Nodes left out are not candidates.
 */
public record PreemptResponse(Map<String, NodeVictims> kept) {
  public PreemptResponse {
    kept = Collections.unmodifiableMap(new LinkedHashMap<>(kept));
  }

  /** kube-scheduler's own proposal, unchanged: a backend with no opinion on preemption. */
  public static PreemptResponse unchanged(PreemptRequest request) {
    return new PreemptResponse(request.candidates());
  }

  public static PreemptResponse none() {
    return new PreemptResponse(Map.of());
  }
}
