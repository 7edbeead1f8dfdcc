package io.topogpu.nodeagent.discovery;

/** NVML CPU and NUMA bitmasks (64 ids per word, bit {@code k % 64} of word {@code k / 64}). */
public final class CpuSets {
  private CpuSets() {}

  /**
   * The Linux cpulist of a mask, as {@code nvidia-smi topo -m} prints CPU Affinity: ascending
   * ranges {@code a-b} (or a single {@code a}) joined by commas, e.g. {@code 0-47,96-143}; empty
   * for an empty mask.
   */
  public static String cpuList(long[] mask) {
    StringBuilder out = new StringBuilder();
    int bits = mask.length * 64;
    int k = 0;
    while (k < bits) {
      if (!isSet(mask, k)) {
        k++;
        continue;
      }
      int end = k;
      while (end + 1 < bits && isSet(mask, end + 1)) {
        end++;
      }
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(k);
      if (end > k) {
        out.append('-').append(end);
      }
      k = end + 1;
    }
    return out.toString();
  }

  /** The lowest id in the mask, or -1 for an empty mask. */
  public static int lowest(long[] mask) {
    for (int w = 0; w < mask.length; w++) {
      if (mask[w] != 0) {
        return w * 64 + Long.numberOfTrailingZeros(mask[w]);
      }
    }
    return -1;
  }

  private static boolean isSet(long[] mask, int k) {
    return (mask[k / 64] >>> (k % 64) & 1L) != 0;
  }
}
