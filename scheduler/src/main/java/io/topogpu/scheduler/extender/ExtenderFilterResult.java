package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.NodeList;
import java.util.List;
import java.util.Map;

/**
 * Response of the filter call ({@code ExtenderFilterResult}). kube-scheduler reads {@code
 * NodeNames} when it runs with {@code nodeCacheCapable: true} and {@code Nodes} otherwise, so
 * exactly one of them is set, matching the request; the absent one is left out of the JSON. A
 * non-empty {@code Error} fails the whole filter call for the pod (no preemption, retried with
 * back-off), so it is reserved for failures that concern the pod, never a single node.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExtenderFilterResult(
    @JsonProperty("Nodes") NodeList nodes,
    @JsonProperty("NodeNames") List<String> nodeNames,
    @JsonProperty("FailedNodes") Map<String, String> failedNodes,
    @JsonProperty("FailedAndUnresolvableNodes") Map<String, String> failedAndUnresolvableNodes,
    @JsonProperty("Error") String error) {

  /**
   * A logical failure: every node counts as filtered out and the message reaches the pod's events.
   */
  public static ExtenderFilterResult failure(String error) {
    return new ExtenderFilterResult(null, null, Map.of(), Map.of(), error);
  }
}
