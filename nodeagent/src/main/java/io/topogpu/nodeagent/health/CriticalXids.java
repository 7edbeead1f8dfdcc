package io.topogpu.nodeagent.health;

import java.util.Set;

/**
 * Which XIDs make a GPU unhealthy. The default list is the XIDs NVIDIA's Xid catalog
 * (docs.nvidia.com/deploy/xid-errors) resolves with a GPU reset, a node reboot or an RMA, i.e. the
 * hardware or its firmware is at fault, not the application:
 *
 * <ul>
 *   <li>48 double-bit ECC error; 63 ECC page retirement or row-remapping recording event; 64 ECC
 *       page retirement or row-remapping failure; 92 high single-bit ECC error rate; 94 contained
 *       ECC error; 95 uncontained ECC error; 140 unrecovered ECC error;
 *   <li>62 internal micro-controller halt; 119 GSP RPC timeout; 120 GSP error;
 *   <li>74 NVLink error; 79 GPU has fallen off the bus.
 * </ul>
 *
 * XIDs an application causes (13 graphics engine exception, 31 memory page fault, 43 GPU stopped
 * processing, 45 preemptive cleanup, 68 video processor exception, ...) are not in it: the GPU is
 * fine and the next pod may use it (NVIDIA's device plugin skips the same ones by default). The
 * list is the agent's {@code --critical-xids} setting.
 */
public record CriticalXids(Set<Long> xids) {
  public static final CriticalXids DEFAULT =
      new CriticalXids(Set.of(48L, 62L, 63L, 64L, 74L, 79L, 92L, 94L, 95L, 119L, 120L, 140L));

  public CriticalXids {
    for (long x : xids) {
      if (x <= 0) {
        throw new IllegalArgumentException("an XID is a positive number, got " + x);
      }
    }
    xids = Set.copyOf(xids);
  }

  public boolean critical(long xid) {
    return xids.contains(xid);
  }
}
