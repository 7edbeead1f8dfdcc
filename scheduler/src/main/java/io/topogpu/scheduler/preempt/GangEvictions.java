package io.topogpu.scheduler.preempt;

import io.topogpu.scheduler.preempt.PreemptionPlan.NodeChoice;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rest of a gang, owed once kube-scheduler evicts part of it. kube-scheduler evicts victims on
 * the one candidate node it picks, and only pods on that node; when a kept node's victims include
 * members of a gang that also runs elsewhere ({@link NodeChoice#offNode}), the plan is remembered
 * here, keyed by the members on that node. When one of them is gone (kube-scheduler picked that
 * node and the eviction went through), {@link #triggered} hands back the members on the other
 * nodes, for the caller to evict: no gang is left running in part. If kube-scheduler picked another
 * node, the members stay; the promise expires after {@code ttl}.
 *
 * <p>Thread-safe.
 */
public final class GangEvictions {
  private record Owed(String gang, String preemptor, List<Victim> rest, Instant expires) {}

  private final Duration ttl;
  private final Map<String, Owed> byMember = new HashMap<>();

  public GangEvictions(Duration ttl) {
    this.ttl = ttl;
  }

  /** Remembers every kept node's gang members on other nodes. */
  public synchronized void remember(PreemptionPlan plan, Instant now) {
    byMember.values().removeIf(o -> !now.isBefore(o.expires));
    for (NodeChoice c : plan.kept().values()) {
      for (EvictionUnit u : c.units()) {
        if (u.gang().isEmpty() || !u.reachesBeyond(c.node())) {
          continue;
        }
        List<Victim> rest = u.pods().stream().filter(v -> !v.node().equals(c.node())).toList();
        Owed owed = new Owed(u.gang().get(), plan.preemptor().key(), rest, now.plus(ttl));
        u.on(c.node()).forEach(v -> byMember.put(v.key(), owed));
      }
    }
  }

  /** What to evict now that {@code podKey} is gone: its gang's other members, once. */
  public synchronized Optional<Triggered> triggered(String podKey, Instant now) {
    Owed owed = byMember.remove(podKey);
    if (owed == null || !now.isBefore(owed.expires)) {
      return Optional.empty();
    }
    byMember.values().removeIf(o -> o.gang.equals(owed.gang));
    List<Victim> rest = owed.rest.stream().filter(v -> !v.key().equals(podKey)).toList();
    return Optional.of(new Triggered(owed.gang, owed.preemptor, podKey, rest));
  }

  /** How many gang members are awaited as triggers (for tests and a gauge). */
  public synchronized int awaited() {
    return byMember.size();
  }

  /** A gang to finish evicting: {@code gone} left, {@code rest} must follow. */
  public record Triggered(String gang, String preemptor, String gone, List<Victim> rest) {
    public Triggered {
      rest = List.copyOf(rest);
    }
  }
}
