package io.topogpu.nodeagent.plugin;

import java.util.Optional;

/**
 * How devices are handed to containers.
 *
 * @param cdiKind when set (e.g. {@code nvidia.com/gpu}), Allocate also returns CDI device names
 *     {@code <kind>=<UUID>} for runtimes with CDI enabled; the environment is returned either way
 */
public record GrantSettings(Optional<String> cdiKind) {
  public static final GrantSettings ENV_ONLY = new GrantSettings(Optional.empty());

  public GrantSettings {
    cdiKind = cdiKind == null ? Optional.empty() : cdiKind.filter(k -> !k.isBlank());
    cdiKind.ifPresent(k -> {
      if (!k.matches("[a-z0-9.-]+/[a-zA-Z0-9._-]+")) {
        throw new IllegalArgumentException("CDI kind must look like vendor.com/class, got \"" + k + "\"");
      }
    });
  }
}
