package io.topogpu.scheduler.ledger;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import java.util.Optional;

/**
 * Decides which GPUs a pod is taken to hold when it holds GPUs but carries no {@code
 * topogpu.io/gpus} annotation (it was bound by another scheduler). Placement supplies the rule; see
 * {@code Placer#attribute}.
 */
@FunctionalInterface
public interface Attributor {
  /** The devices to count against {@code node} for {@code pod}; empty when none fit any more. */
  Optional<Assignment> attribute(PodInfo pod, NodeState node);
}
