package io.topogpu.scheduler.preempt;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A running pod preemption could evict, as the core sees it.
 *
 * @param key {@code namespace/name}
 * @param uid the pod UID (the wire names victims by UID; eviction deletes with it as precondition)
 * @param node where it runs
 * @param priority its {@code spec.priority}
 * @param startTime when it started; empty counts as no work lost
 * @param gpus GPU-equivalents it holds: whole GPUs count 1 each, a share its milli / 1000, a MIG
 *     instance its memory slices over the GPU's slices
 */
public record Victim(
    String key, String uid, String node, int priority, Optional<Instant> startTime, double gpus) {

  public Victim {
    Objects.requireNonNull(key, "key");
    uid = Objects.requireNonNullElse(uid, "");
    Objects.requireNonNull(node, "node");
    startTime = Objects.requireNonNullElse(startTime, Optional.empty());
    if (gpus < 0) {
      throw new IllegalArgumentException("gpus must be >= 0, got " + gpus);
    }
  }

  /** GPU-hours of work lost if evicted at {@code now}: GPUs held × hours run (0 if not started). */
  public double gpuHoursLost(Instant now) {
    return startTime
        .filter(t -> t.isBefore(now))
        .map(t -> gpus * Duration.between(t, now).toMillis() / 3_600_000.0)
        .orElse(0.0);
  }
}
