package io.topogpu.topology.model;

import java.util.Objects;

/**
 * One MIG GPU instance.
 *
 * @param profile canonical profile name as the device plugin exposes it, e.g. {@code 1g.10gb} (the
 *     resource is {@code nvidia.com/mig-1g.10gb})
 * @param start first memory slice of the placement ({@code Start} in {@code nvidia-smi mig -lgi})
 * @param size number of slices the placement spans ({@code Size})
 * @param memoryMiB memory of the instance in MiB; 0 when unknown
 * @param uuid {@code MIG-...} UUID of the instance's device; empty when unknown
 * @param giId the GPU instance id NVML assigned; -1 when unknown
 */
public record MigInstance(String profile, int start, int size, long memoryMiB, String uuid, int giId) {

  public MigInstance {
    if (profile == null || profile.isBlank()) {
      throw new IllegalArgumentException("mig instance profile must not be empty");
    }
    if (start < 0 || size < 1) {
      throw new IllegalArgumentException(
          "mig instance " + profile + " placement must have start >= 0 and size >= 1, got " + start + ":" + size);
    }
    uuid = Objects.requireNonNullElse(uuid, "");
  }

  /** One past the last slice the placement occupies. */
  public int end() {
    return start + size;
  }

  public boolean overlaps(MigInstance o) {
    return start < o.end() && o.start < end();
  }
}
