package io.topogpu.topology.objective;

import io.topogpu.topology.model.NodeTopology;

/**
 * The objective value of one GPU set {@code S} chosen from the free GPUs {@code F} of a node. Sets
 * compare lexicographically on these fields, best first:
 *
 * <ol>
 *   <li>{@code bottleneck} = min over pairs {i,j} ⊆ S of bw(i,j), larger is better (0 when |S| = 1);
 *   <li>{@code total} = Σ over pairs {i,j} ⊆ S of bw(i,j), larger is better;
 *   <li>{@code numaSpan} = number of NUMA groups S touches, fewer is better;
 *   <li>{@code leftDomainBlock} = max over NVLink domains D of |(F \ S) ∩ D|, larger is better: keep
 *       the biggest NVLink block intact for the next large request;
 *   <li>{@code leftNumaBlock} = max over NUMA groups G of |(F \ S) ∩ G|, larger is better;
 *   <li>lowest indices: at the lowest index where two sets differ, the set holding it wins.
 * </ol>
 *
 * where bw(i,j) = {@code NodeTopology.bandwidth(i, j)} rounded to whole MB/s, so that sums are
 * exact and ties are real ties. The last rule makes the order total: the best set is unique.
 */
public record SetValue(long mask, long bottleneck, long total, int numaSpan, int leftDomainBlock,
    int leftNumaBlock) implements Comparable<SetValue> {

  /** Evaluates {@code set} ⊆ {@code free} on topology {@code t}. */
  public static SetValue of(NodeTopology t, long set, long free) {
    long bottleneck = Long.MAX_VALUE;
    long total = 0;
    int n = t.gpuCount();
    for (int i = 0; i < n; i++) {
      if ((set & (1L << i)) == 0) {
        continue;
      }
      for (int j = i + 1; j < n; j++) {
        if ((set & (1L << j)) != 0) {
          long bw = mbps(t, i, j);
          bottleneck = Math.min(bottleneck, bw);
          total += bw;
        }
      }
    }
    long left = free & ~set;
    return new SetValue(set, bottleneck == Long.MAX_VALUE ? 0 : bottleneck, total,
        groupsTouched(t, set), largestDomainBlock(t, left), largestNumaBlock(t, left));
  }

  /** Pair bandwidth in MB/s, the unit every comparison uses. */
  public static long mbps(NodeTopology t, int i, int j) {
    return Math.round(t.bandwidth(i, j) * 1000);
  }

  private static int groupsTouched(NodeTopology t, long set) {
    long groups = 0;
    for (int g = 0; g < t.gpuCount(); g++) {
      if ((set & (1L << g)) != 0) {
        groups |= 1L << t.numaGroupOf(g);
      }
    }
    return Long.bitCount(groups);
  }

  public static int largestDomainBlock(NodeTopology t, long gpus) {
    int best = 0;
    for (var domain : t.nvlinkDomains()) {
      best = Math.max(best, (int) domain.stream().filter(g -> (gpus & (1L << g)) != 0).count());
    }
    return best;
  }

  public static int largestNumaBlock(NodeTopology t, long gpus) {
    int best = 0;
    for (var group : t.numaGroups()) {
      best = Math.max(best, (int) group.stream().filter(g -> (gpus & (1L << g)) != 0).count());
    }
    return best;
  }

  /** Negative when this set is better than {@code o}. */
  @Override
  public int compareTo(SetValue o) {
    int c = Long.compare(o.bottleneck, bottleneck);
    if (c == 0) {
      c = Long.compare(o.total, total);
    }
    if (c == 0) {
      c = Integer.compare(numaSpan, o.numaSpan);
    }
    if (c == 0) {
      c = Integer.compare(o.leftDomainBlock, leftDomainBlock);
    }
    if (c == 0) {
      c = Integer.compare(o.leftNumaBlock, leftNumaBlock);
    }
    if (c == 0 && mask != o.mask) {
      long lowestDiff = Long.lowestOneBit(mask ^ o.mask);
      c = (mask & lowestDiff) != 0 ? -1 : 1;
    }
    return c;
  }

  public boolean betterThan(SetValue o) {
    return compareTo(o) < 0;
  }
}
