package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.placement.Rejection;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Nodes held for a starving gang since {@code since}: closed to every other pod and gang. They are
 * the nodes the gang needs ({@link GangPlanner#holdTarget}), not necessarily a whole domain.
 */
public record GangHold(String gang, Set<String> nodes, Instant since) {
  public GangHold {
    nodes = Set.copyOf(nodes);
  }

  /**
   * Why {@code node} is closed to a pod of gang {@code podGang} (null for a single pod); empty
   * when the node is not held or the pod belongs to the held gang. Resolvable: the hold ends.
   */
  public Optional<Rejection> against(String podGang, String node) {
    if (!nodes.contains(node) || gang.equals(podGang)) {
      return Optional.empty();
    }
    return Optional.of(new Rejection("held-for-gang", "are held for gang " + gang + ", which has waited longest",
        true, "held since " + since));
  }
}
