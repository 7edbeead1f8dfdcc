package io.topogpu.scheduler.driver;

import java.util.Map;

/** How one scheduling attempt of {@link KubeSchedulerDriver} ended. */
public sealed interface Outcome {

  /**
   * Bound to {@code node}.
   *
   * @param totals every feasible node's extender total ({@code score × weight × 10}; all 0 when
   *     only one node was feasible and prioritize was skipped)
   */
  record Bound(String node, Map<String, Long> totals) implements Outcome {
    public Bound {
      totals = Map.copyOf(totals);
    }
  }

  /**
   * No node passed filter: kube-scheduler's FitError. The maps are the extender's {@code
   * FailedNodes} (preemption may help) and {@code FailedAndUnresolvableNodes}.
   */
  record Unschedulable(Map<String, String> failed, Map<String, String> unresolvable)
      implements Outcome {
    public Unschedulable {
      failed = Map.copyOf(failed);
      unresolvable = Map.copyOf(unresolvable);
    }
  }

  /** A verb answered an error (or no valid answer): the attempt fails and the pod is requeued. */
  record Failed(String verb, String error) implements Outcome {}
}
