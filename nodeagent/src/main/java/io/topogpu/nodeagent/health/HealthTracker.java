package io.topogpu.nodeagent.health;

import io.topogpu.nodeagent.discovery.NvmlDiscovery;
import io.topogpu.nodeagent.discovery.Probe;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Health;
import io.topogpu.topology.model.NodeTopology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The health of each GPU, from three signals, applied to every probe before it is published and
 * handed to the device plugin. GPUs are identified by UUID.
 *
 * <ul>
 *   <li><b>Lost</b>: the probe could not read the GPU ({@code NVML_ERROR_GPU_IS_LOST}); it stays in
 *       the topology under what the previous probe knew of it (UUID, bus id, ...), unhealthy
 *       {@value NvmlDiscovery#LOST}. Healthy again at the first probe that reads it.
 *   <li><b>NVLinks down</b>: fewer active NVLinks than the most this GPU has been seen with since
 *       the agent started (the previous probes' counts): {@value #NVLINK_DOWN}. Healthy again once
 *       that many are active. A GPU whose links were already down when the agent started is not
 *       caught by this rule (its links read as PCIe in the topology instead).
 *   <li><b>Critical XID</b> ({@link CriticalXids}): unhealthy {@code xid-<n>} (the latest one) from the
 *       event on. Healthy again at the first probe that reads the GPU at least {@code xidRecovery}
 *       after its latest critical XID: a GPU that keeps failing keeps raising XIDs, one that was
 *       reset answers and stays quiet.
 * </ul>
 *
 * Several reasons are joined with commas ({@code gpu-lost,xid-79}). Thread-safe: the XID watcher
 * records events while the probe thread applies probes.
 */
public final class HealthTracker {
  public static final String NVLINK_DOWN = "nvlink-down";

  private record Xid(long xid, Instant at) {}

  /** What changed at one {@link #apply}: {@code GPU-x unhealthy: xid-79} or {@code GPU-x healthy again}. */
  public record Applied(Probe probe, List<String> changes) {}

  private final CriticalXids critical;
  private final Duration xidRecovery;
  private final Clock clock;
  private final Map<String, Xid> xids = new HashMap<>();
  private final Map<String, Integer> mostLinks = new HashMap<>();
  private final Map<Integer, Gpu> previousByIndex = new HashMap<>();
  private final Map<String, String> previousReason = new HashMap<>();

  public HealthTracker(CriticalXids critical, Duration xidRecovery, Clock clock) {
    if (xidRecovery.isNegative()) {
      throw new IllegalArgumentException("xidRecovery must be >= 0, got " + xidRecovery);
    }
    this.critical = critical;
    this.xidRecovery = xidRecovery;
    this.clock = clock;
  }

  /** Records an XID on the GPU {@code uuid}; true when it is critical (the GPU is now unhealthy). */
  public synchronized boolean xid(String uuid, long xid) {
    if (!critical.critical(xid) || uuid.isEmpty()) {
      return false;
    }
    xids.put(uuid, new Xid(xid, clock.instant()));
    return true;
  }

  /** The probe with every GPU's health set by the rules above. */
  public synchronized Applied apply(Probe probe) {
    Instant now = clock.instant();
    NodeTopology t = probe.topology();
    List<Gpu> out = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    for (Gpu g : t.gpus()) {
      List<String> reasons = new ArrayList<>();
      boolean lost = !g.healthy() && g.healthReason().equals(NvmlDiscovery.LOST);
      Gpu base = g;
      if (lost) {
        reasons.add(NvmlDiscovery.LOST);
        Gpu before = previousByIndex.get(g.index());
        if (g.uuid().isEmpty() && before != null) {
          base = before.withHealth(Health.HEALTHY);
        }
      } else if (!g.healthy()) {
        reasons.add(g.healthReason());
      }
      String uuid = base.uuid();
      if (!lost && g.index() < probe.activeNvlinks().size()) {
        int active = probe.activeNvlinks().get(g.index());
        int most = Math.max(mostLinks.getOrDefault(uuid, 0), active);
        mostLinks.put(uuid, most);
        if (active < most) {
          reasons.add(NVLINK_DOWN);
        }
      }
      Xid x = xids.get(uuid);
      if (x != null) {
        if (lost || Duration.between(x.at(), now).compareTo(xidRecovery) < 0) {
          reasons.add("xid-" + x.xid());
        } else {
          xids.remove(uuid);
        }
      }
      reasons.removeIf(String::isEmpty);
      Gpu next = reasons.isEmpty() && g.healthy() ? base : base.unhealthy(String.join(",", reasons));
      out.add(next);
      String was = previousReason.getOrDefault(uuid, "");
      String is = next.healthy() ? "" : next.healthReason();
      if (!uuid.isEmpty() && !was.equals(is)) {
        changes.add(uuid + (is.isEmpty() ? " healthy again" : " unhealthy: " + is));
      }
      if (!uuid.isEmpty()) {
        previousReason.put(uuid, is);
      }
      previousByIndex.put(g.index(), next);
    }
    NodeTopology applied = new NodeTopology(out, t.links(), t.nics(), t.fabric());
    return new Applied(probe.withTopology(applied), changes);
  }
}
