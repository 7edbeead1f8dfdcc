package io.topogpu.nodeagent.plugin;

import io.topogpu.topology.Keys;

/**
 * The device IDs the plugin advertises, per resource:
 *
 * <ul>
 *   <li>{@code nvidia.com/gpu}: the GPU's UUID ({@code GPU-...}), as NVIDIA's plugin does;
 *   <li>{@code nvidia.com/mig-<profile>}: the MIG device's UUID ({@code MIG-...});
 *   <li>{@code topogpu.io/gpu-milli}: {@value #UNITS_PER_GPU} units per GPU, {@code <GPU uuid>::<k>}
 *       for {@code k = 0..999}, the {@code ::} replica form NVIDIA's time-slicing and dcgm-exporter use.
 *       A pod asking for {@code topogpu.io/gpu-milli: 250} is given 250 units of one GPU.
 * </ul>
 */
public final class DeviceIds {
  /** Units of {@code topogpu.io/gpu-milli} per GPU: thousandths, as the scheduler counts shares. */
  public static final int UNITS_PER_GPU = 1000;
  static final String UNIT_SEPARATOR = "::";

  private DeviceIds() {}

  public static String unit(String gpuUuid, int k) {
    if (k < 0 || k >= UNITS_PER_GPU) {
      throw new IllegalArgumentException("unit index must be 0.." + (UNITS_PER_GPU - 1) + ", got " + k);
    }
    return gpuUuid + UNIT_SEPARATOR + k;
  }

  /** The physical device an ID stands for: the GPU UUID of a unit, else the ID itself. */
  public static String physical(String id) {
    int at = id.indexOf(UNIT_SEPARATOR);
    return at < 0 ? id : id.substring(0, at);
  }

  public static boolean isMig(String resource) {
    return resource.startsWith(Keys.RESOURCE_MIG_PREFIX);
  }

  public static boolean isShare(String resource) {
    return resource.equals(Keys.RESOURCE_GPU_MILLI);
  }

  public static String migResource(String profile) {
    return Keys.RESOURCE_MIG_PREFIX + profile;
  }
}
