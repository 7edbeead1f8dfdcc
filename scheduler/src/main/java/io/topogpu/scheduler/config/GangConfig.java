package io.topogpu.scheduler.config;

import io.topogpu.scheduler.gang.GangSettings;
import io.topogpu.scheduler.tiers.TierConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code gangs} section of the policy file, validated: gang timing and the network tiers gang
 * planning searches (config/policy.yaml documents each key).
 *
 * @param settings bind, plan and starvation timeouts; {@code bindTimeout + tick} is checked below
 *     {@code extenderHttpTimeout} at load
 * @param tiers the tiers searched, tightest first: the defaults, or the subset the file names
 * @param extenderHttpTimeout kube-scheduler's {@code httpTimeout} for this extender, as set in
 *     config/kube-scheduler-config.yaml
 */
public record GangConfig(GangSettings settings, TierConfig tiers, Duration extenderHttpTimeout) {
  /** {@code httpTimeout} of config/kube-scheduler-config.yaml. */
  public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(60);

  public static final GangConfig DEFAULTS =
      new GangConfig(GangSettings.DEFAULTS, TierConfig.defaults(), DEFAULT_HTTP_TIMEOUT);

  public GangConfig {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(tiers, "tiers");
    Objects.requireNonNull(extenderHttpTimeout, "extenderHttpTimeout");
  }
}
