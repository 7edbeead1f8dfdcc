package io.topogpu.scheduler.preempt;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The GPUs a single preemptor is owed while its victims leave: after the preempt verb chose victims
 * on a node, the devices the preemptor gets there once they are gone ({@link
 * PreemptionPlan.NodeChoice#gets}) are closed to every other pod whose priority is not above the
 * preemptor's (kube-scheduler counts a nominated pod against pods of equal or lower priority the
 * same way, but by resource count only, not by which GPUs).
 *
 * <p>Life of a nomination:
 *
 * <ul>
 *   <li>{@link #nominate}: every node the preempt verb kept gets a hold, inactive: kube-scheduler
 *       picks one of them by its own ranking and evicts only there, and the extender is not told
 *       which. A node's hold becomes active when one of its victims is gone ({@link #gone}); until
 *       then its GPUs are held by the victims anyway. A later preempt call for the same pod
 *       replaces its holds;
 *   <li>released when the preemptor binds ({@link #release}), is gone, or at {@code expires}.
 * </ul>
 *
 * <p>{@link #against} is the node as another pod must see it: the active holds' devices that are
 * free now reserved. Reads are lock-free on an immutable snapshot (filter asks for every node);
 * changes, which are rare, take this object's lock. Plain core: no Kubernetes types.
 */
public final class Nominations {
  /** How long a nomination holds unless refreshed, released or gone first. */
  public static final Duration DEFAULT_HOLD = Duration.ofMinutes(5);
  /** Rejection code of a node whose free GPUs are owed to a preemptor. */
  public static final String CODE = "nominated-for-preemptor";
  static final String REASON = "have the GPUs they free by preemption owed to a pending pod of equal or higher priority";

  /** One node's hold for {@code preemptor}. */
  public record Hold(String preemptor, int priority, Assignment devices, Set<String> victims, boolean active,
      Instant expires) {
    public Hold {
      victims = Set.copyOf(victims);
    }

    Hold activated() {
      return new Hold(preemptor, priority, devices, victims, true, expires);
    }
  }

  private final Duration holdFor;
  /** Preemptor key → its holds by node; replaced whole under the lock. */
  private final Map<String, Map<String, Hold>> byPreemptor = new HashMap<>();
  private volatile Map<String, List<Hold>> byNode = Map.of();

  public Nominations(Duration holdFor) {
    this.holdFor = holdFor;
  }

  /**
   * Records what {@code preemptor} gets on each node kept by one preempt decision, replacing its
   * earlier holds; a node where the preemptor needs no eviction is not held.
   */
  public synchronized void nominate(PodInfo preemptor, PreemptionPlan plan, Instant now) {
    Map<String, Hold> holds = new HashMap<>();
    Map<String, Hold> before = byPreemptor.getOrDefault(preemptor.key(), Map.of());
    for (PreemptionPlan.NodeChoice c : plan.kept().values()) {
      Set<String> victims = new java.util.HashSet<>();
      c.units().forEach(u -> u.on(c.node()).forEach(v -> victims.add(v.key())));
      if (victims.isEmpty()) {
        continue;
      }
      boolean active = before.containsKey(c.node()) && before.get(c.node()).active();
      holds.put(c.node(), new Hold(preemptor.key(), preemptor.priority(), c.gets(), victims, active,
          now.plus(holdFor)));
    }
    byPreemptor.remove(preemptor.key());
    if (!holds.isEmpty()) {
      byPreemptor.put(preemptor.key(), holds);
    }
    publish(now);
  }

  /** The preemptor bound (or no longer needs its holds): every hold of {@code podKey} ends. */
  public synchronized void release(String podKey) {
    if (byPreemptor.remove(podKey) != null) {
      publish(null);
    }
  }

  /**
   * {@code podKey} is gone: a preemptor's holds end; a victim's departure activates the hold of the
   * node it left (kube-scheduler picked that node).
   */
  public synchronized void gone(String podKey, Instant now) {
    boolean changed = byPreemptor.remove(podKey) != null;
    for (Map<String, Hold> holds : byPreemptor.values()) {
      for (var e : holds.entrySet()) {
        if (!e.getValue().active() && e.getValue().victims().contains(podKey)) {
          e.setValue(e.getValue().activated());
          changed = true;
        }
      }
    }
    if (changed) {
      publish(now);
    }
  }

  /** The active, unexpired holds on {@code node} that bind {@code pod}: others', of priority ≥ its own. */
  public List<Hold> binding(PodInfo pod, String node, Instant now) {
    List<Hold> on = byNode.get(node);
    if (on == null) {
      return List.of();
    }
    List<Hold> out = new ArrayList<>(on.size());
    for (Hold h : on) {
      if (h.active() && now.isBefore(h.expires()) && !h.preemptor().equals(pod.key())
          && h.priority() >= pod.priority()) {
        out.add(h);
      }
    }
    return out;
  }

  /**
   * {@code node} as {@code pod} may use it: the devices of the holds that bind it ({@link #binding})
   * that are free now, reserved; {@code node} itself when none applies.
   */
  public NodeState against(PodInfo pod, NodeState node, Instant now) {
    if (byNode.isEmpty()) {
      return node;
    }
    NodeState s = node;
    for (Hold h : binding(pod, node.name(), now)) {
      Optional<Assignment> free = freePart(h.devices(), s);
      if (free.isPresent()) {
        s = s.withReservation("preemptor " + h.preemptor(), free.get());
      }
    }
    return s;
  }

  /** Why {@code pod} may not use what {@code holds} keep on a node it would otherwise fit. */
  public static Rejection rejection(List<Hold> holds) {
    StringBuilder detail = new StringBuilder();
    for (Hold h : holds) {
      detail.append(detail.length() == 0 ? "" : "; ").append(describe(h.devices())).append(" owed to ")
          .append(h.preemptor()).append(" (priority ").append(h.priority()).append(") until it binds, is")
          .append(" deleted or ").append(h.expires());
    }
    return new Rejection(CODE, REASON, true, detail.toString());
  }

  /** Holds recorded (for tests and a gauge). */
  public int held() {
    return byNode.values().stream().mapToInt(List::size).sum();
  }

  private void publish(Instant now) {
    if (now != null) {
      for (Map<String, Hold> holds : byPreemptor.values()) {
        holds.values().removeIf(h -> !now.isBefore(h.expires()));
      }
      byPreemptor.values().removeIf(Map::isEmpty);
    }
    Map<String, List<Hold>> next = new HashMap<>();
    byPreemptor.values().forEach(holds -> holds.forEach((node, h) ->
        next.computeIfAbsent(node, k -> new ArrayList<>()).add(h)));
    next.replaceAll((k, v) -> List.copyOf(v));
    byNode = Map.copyOf(next);
  }

  /** What of {@code a} is free on {@code s}: whole GPUs nobody uses, a share that still fits, MIG slots not held. */
  static Optional<Assignment> freePart(Assignment a, NodeState s) {
    if (!a.mig().isEmpty()) {
      List<MigSlot> free = a.mig().stream().filter(m -> !s.migHeld(m)).toList();
      return free.isEmpty() ? Optional.empty() : Optional.of(Assignment.mig(a.node(), free));
    }
    int need = a.isShare() ? a.milli() : NodeState.MILLI_PER_GPU;
    List<Integer> gpus = new ArrayList<>();
    List<String> uuids = new ArrayList<>();
    for (int i = 0; i < a.gpus().size(); i++) {
      int g = a.gpus().get(i);
      if (g < s.gpuCount() && s.milliUsed(g) + need <= NodeState.MILLI_PER_GPU) {
        gpus.add(g);
        uuids.add(a.gpuUuids().get(i));
      }
    }
    if (gpus.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(a.isShare() ? Assignment.share(a.node(), gpus.get(0), uuids.get(0), a.milli())
        : Assignment.whole(a.node(), gpus, uuids));
  }

  private static String describe(Assignment a) {
    if (!a.mig().isEmpty()) {
      return "MIG " + a.mig().stream().map(MigSlot::id).toList();
    }
    return a.isShare() ? a.milli() + " milli of GPU " + a.gpus().get(0) : "GPUs " + a.gpus();
  }
}
