package io.topogpu.scheduler.model;

import java.util.Map;
import java.util.Objects;

/**
 * The gang part of a {@code topogpu.io/gpus} annotation: which gang the pod belongs to and, when
 * the gang was planned whole, the node chosen for every member. Filled by gang planning.
 */
public record GangPlan(String name, int size, Map<String, String> plan) {
  public GangPlan {
    Objects.requireNonNull(name, "name");
    if (size < 1) {
      throw new IllegalArgumentException("gang size must be >= 1, got " + size);
    }
    plan = Map.copyOf(plan == null ? Map.of() : plan);
  }
}
