package io.topogpu.nodeagent.discovery;

/**
 * Canonical MIG profile names, derived the way NVIDIA's device plugin (go-nvlib {@code MigProfile})
 * does, from what NVML reports rather than from a table of known GPUs.
 *
 * <p>Name = {@code <g>g.<gb>gb<suffix>} where {@code g} is the profile's slice count and
 * <pre>
 *   fraction = ceil(8 × profileMemoryMiB / gpuMemoryMiB) / 8
 *   gb       = round(fraction × ceil(gpuMemoryMiB / 1024))
 * </pre>
 * i.e. the instance's share of the GPU rounded up to eighths, times the GPU's size in whole GiB.
 * A100-80GB (81920 MiB): a 9984 MiB 1-slice profile → 1g.10gb, 40192 MiB 3-slice → 3g.40gb. The
 * suffix comes from the profile selector: {@code +me} (1/2-slice REV1, media extensions), {@code
 * -me} (NO_ME), {@code +me.all} (ALL_ME), {@code +gfx} (GFX variants), none otherwise.
 */
public final class MigProfileNames {
  private MigProfileNames() {}

  public static String name(int selector, int sliceCount, long profileMemoryMiB, long gpuMemoryMiB) {
    if (sliceCount < 1 || profileMemoryMiB < 1 || gpuMemoryMiB < 1) {
      throw new IllegalArgumentException("mig profile selector " + selector + ": slices " + sliceCount
          + ", memory " + profileMemoryMiB + " MiB of " + gpuMemoryMiB + " MiB cannot be named");
    }
    long eighths = (8 * profileMemoryMiB + gpuMemoryMiB - 1) / gpuMemoryMiB;
    long gpuGiB = (gpuMemoryMiB + 1023) / 1024;
    long gb = Math.round(eighths * gpuGiB / 8.0);
    return sliceCount + "g." + gb + "gb" + suffix(selector);
  }

  /** NVML_GPU_INSTANCE_PROFILE_* selector → name suffix. */
  static String suffix(int selector) {
    return switch (selector) {
      case 0x7, 0x8 -> "+me";
      case 0xA, 0xB, 0xC, 0x11 -> "+gfx";
      case 0xD, 0xE -> "-me";
      case 0xF, 0x10 -> "+me.all";
      default -> "";
    };
  }
}
