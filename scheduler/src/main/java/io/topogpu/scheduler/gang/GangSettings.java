package io.topogpu.scheduler.gang;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of gang coordination, validated at start-up.
 *
 * @param bindTimeout longest a member's bind waits at the barrier for the rest of its gang,
 *     counted from the first member's arrival. Must stay below kube-scheduler's extender {@code
 *     httpTimeout} (checked when the policy file is loaded, {@code PolicyLoader.loadGangs}), or
 *     kube-scheduler gives up on the bind first.
 * @param planTimeout longest a plan's reservation is held before every member has reached bind,
 *     counted from planning: a gang whose other members never come (size too large, pods stuck)
 *     gives its capacity back
 * @param starvationAfter how long a gang may stay unplaceable before capacity in its target
 *     domain is held for it (see {@link GangCoordinator})
 */
public record GangSettings(Duration bindTimeout, Duration planTimeout, Duration starvationAfter) {
  public static final GangSettings DEFAULTS =
      new GangSettings(Duration.ofSeconds(25), Duration.ofSeconds(60), Duration.ofMinutes(10));

  public GangSettings {
    positive(bindTimeout, "bindTimeout");
    positive(planTimeout, "planTimeout");
    positive(starvationAfter, "starvationAfter");
  }

  private static void positive(Duration d, String field) {
    Objects.requireNonNull(d, field);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + ": must be positive, got " + d);
    }
  }
}
