package io.topogpu.nodeagent.plugin;

import java.util.List;

/**
 * Outcomes of the plugin's decisions, for metrics and pod events. Implementations must not throw
 * and must not block the kubelet's call for long (events are posted asynchronously).
 */
public interface AllocationListener {
  /** Outcome labels, stable for metrics. */
  String HONOURED = "honoured";
  String FALLBACK = "fallback";
  String MISMATCH = "mismatch";
  String UNMATCHED = "unmatched";

  /** {@code outcome} is one of the labels above; {@code pod} is null for {@link #UNMATCHED}. */
  void decided(String call, String resource, String outcome, PendingPod pod, List<String> chosen, List<String> given);

  AllocationListener NONE = (call, resource, outcome, pod, chosen, given) -> {};
}
