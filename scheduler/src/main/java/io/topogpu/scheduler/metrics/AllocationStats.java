package io.topogpu.scheduler.metrics;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.NodeTopology;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the ledger holds, for the dashboard, computed from one view of the nodes (at scrape time).
 *
 * <ul>
 *   <li>{@link #nodeGpus}: per node, whole GPUs {@code allocated} (placeable, not free) and {@code free}.
 *   <li>{@link #gpusByLinkClass}: GPUs held by pods, by how the GPUs of each pod's assignment talk:
 *       its worst pair's link ({@code nvswitch}, {@code nvlink}, or the PCIe class {@code pix},
 *       {@code pxb}, {@code phb}, {@code node}, {@code sys}), {@code single} for one whole GPU,
 *       {@code mig} for MIG instances (counted per instance), {@code share} for a GPU share.
 *   <li>{@link #fragmentation}: the share of free whole GPUs that lie outside the largest free
 *       NVLink-connected group of their node (a GPU without NVLink is a group of its own):
 *       {@code 1 − Σ_nodes largestFreeGroup / Σ_nodes free}; 0 when nothing is free. 0 means every
 *       node's free GPUs can serve one NVLink job; near 1, free GPUs are scattered.
 * </ul>
 */
public record AllocationStats(Map<String, long[]> nodeGpus, Map<String, Long> gpusByLinkClass, double fragmentation) {
  public static final int ALLOCATED = 0;
  public static final int FREE = 1;

  public static AllocationStats of(Collection<NodeState> nodes) {
    Map<String, long[]> perNode = new TreeMap<>();
    Map<String, Long> byClass = new TreeMap<>();
    long free = 0;
    long inLargest = 0;
    for (NodeState n : nodes) {
      long freeMask = n.freeMask();
      perNode.put(n.name(), new long[] {Long.bitCount(n.placeableMask() & ~freeMask), Long.bitCount(freeMask)});
      free += Long.bitCount(freeMask);
      inLargest += largestFreeGroup(n, freeMask);
      if (n.topology().isEmpty()) {
        continue;
      }
      NodeTopology t = n.topology().get();
      for (Assignment a : n.pods().values()) {
        if (!a.mig().isEmpty()) {
          byClass.merge("mig", (long) a.mig().size(), Long::sum);
        } else if (a.isShare()) {
          byClass.merge("share", 1L, Long::sum);
        } else if (!a.gpus().isEmpty()) {
          byClass.merge(linkClass(t, a.gpus()), (long) a.gpus().size(), Long::sum);
        }
      }
    }
    double fragmentation = free == 0 ? 0 : 1 - (double) inLargest / free;
    return new AllocationStats(perNode, byClass, fragmentation);
  }

  /** The worst pair's link of these GPUs as a label value; {@code single} for one GPU. */
  static String linkClass(NodeTopology t, List<Integer> gpus) {
    if (gpus.size() < 2) {
      return "single";
    }
    Link worst = null;
    for (int i = 0; i < gpus.size(); i++) {
      for (int j = i + 1; j < gpus.size(); j++) {
        Link l = t.link(gpus.get(i), gpus.get(j));
        if (worst == null || l.compareTo(worst) > 0) {
          worst = l;
        }
      }
    }
    if (worst.isNvlink()) {
      return worst.nvswitch() ? "nvswitch" : "nvlink";
    }
    return worst.kind().label().toLowerCase(Locale.ROOT);
  }

  private static long largestFreeGroup(NodeState n, long freeMask) {
    if (freeMask == 0) {
      return 0;
    }
    if (n.topology().isEmpty()) {
      return Long.bitCount(freeMask);
    }
    long best = 1;
    for (List<Integer> domain : n.topology().get().nvlinkDomains()) {
      long inDomain = domain.stream().filter(g -> (freeMask & (1L << g)) != 0).count();
      best = Math.max(best, inDomain);
    }
    return best;
  }
}
