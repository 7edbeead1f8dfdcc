package io.topogpu.scheduler.model;

import java.util.Objects;

/**
 * One MIG instance identified by where it sits: GPU index and first memory slice. Two slots are the
 * same instance when GPU and start match; profile, size and UUID describe it.
 */
public record MigSlot(int gpu, String profile, int start, int size, String uuid) {
  public MigSlot {
    if (gpu < 0 || start < 0 || size < 1) {
      throw new IllegalArgumentException(
          "MIG slot needs gpu >= 0, start >= 0, size >= 1, got gpu " + gpu + " " + start + ":" + size);
    }
    Objects.requireNonNull(profile, "profile");
    uuid = Objects.requireNonNullElse(uuid, "");
  }

  /** Identity of the instance on its node. */
  public String id() {
    return gpu + "@" + start;
  }
}
