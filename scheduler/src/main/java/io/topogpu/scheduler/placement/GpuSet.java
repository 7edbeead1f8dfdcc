package io.topogpu.scheduler.placement;

import io.topogpu.topology.objective.SetValue;
import java.util.ArrayList;
import java.util.List;

/** A chosen set of GPUs of one node (bit i = GPU index i) and its objective value. */
public record GpuSet(long mask, SetValue value) {

  public List<Integer> indices() {
    return indices(mask);
  }

  public int size() {
    return Long.bitCount(mask);
  }

  public static List<Integer> indices(long mask) {
    List<Integer> out = new ArrayList<>();
    for (long m = mask; m != 0; m &= m - 1) {
      out.add(Long.numberOfTrailingZeros(m));
    }
    return out;
  }

  public static long maskOf(Iterable<Integer> indices) {
    long m = 0;
    for (int i : indices) {
      m |= 1L << i;
    }
    return m;
  }
}
