package io.topogpu.scheduler.preempt;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What is evicted together: one single pod, or every running member of a gang (on every node),
 * because a gang that loses one member is dead anyway and would keep its other GPUs idle.
 *
 * @param id the pod key, or {@code gang:<namespace/name>}
 * @param pods the victims, non-empty
 * @param gang the gang key, when the unit is a gang
 */
public record EvictionUnit(String id, List<Victim> pods, Optional<String> gang) {

  public EvictionUnit {
    Objects.requireNonNull(id, "id");
    pods = List.copyOf(pods);
    gang = Objects.requireNonNullElse(gang, Optional.empty());
    if (pods.isEmpty()) {
      throw new IllegalArgumentException("an eviction unit holds at least one pod: " + id);
    }
  }

  public static EvictionUnit single(Victim v) {
    return new EvictionUnit(v.key(), List.of(v), Optional.empty());
  }

  public static EvictionUnit gang(String gangKey, List<Victim> members) {
    return new EvictionUnit("gang:" + gangKey, members, Optional.of(gangKey));
  }

  /** The highest priority among its pods: what evicting the unit costs in priority. */
  public int priority() {
    return pods.stream().mapToInt(Victim::priority).max().orElseThrow();
  }

  public double gpuHoursLost(Instant now) {
    return pods.stream().mapToDouble(v -> v.gpuHoursLost(now)).sum();
  }

  /** Its pods on {@code node}. */
  public List<Victim> on(String node) {
    return pods.stream().filter(v -> v.node().equals(node)).toList();
  }

  /** Whether some of its pods run on nodes other than {@code node}. */
  public boolean reachesBeyond(String node) {
    return pods.stream().anyMatch(v -> !v.node().equals(node));
  }
}
