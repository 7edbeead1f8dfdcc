package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Response of the bind call ({@code ExtenderBindingResult}). An empty {@code Error} means the pod
 * is bound; anything else makes kube-scheduler unreserve the pod and requeue it.
 */
public record ExtenderBindingResult(@JsonProperty("Error") String error) {
  public ExtenderBindingResult {
    error = error == null ? "" : error;
  }
}
