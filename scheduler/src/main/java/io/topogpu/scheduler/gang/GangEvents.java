package io.topogpu.scheduler.gang;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gang progress as Kubernetes Events on the members, one reason per step (these names are the
 * contract operators filter on with {@code kubectl get events --field-selector reason=...}):
 *
 * <ul>
 *   <li>{@value #PLANNED} / {@value #REPLANNED} (Normal): the nodes of every member and the tier
 *       domain holding the gang;
 *   <li>{@value #WAITING} (Normal): "waiting at the bind barrier: n/N members ready";
 *   <li>{@value #STARTED} (Normal): every member reached bind, all bind now;
 *   <li>{@value #TIMED_OUT} (Warning): the deadline passed before all arrived; released;
 *   <li>{@value #RELEASED} (Warning): the plan was dropped for another reason (member deleted);
 *   <li>{@value #BIND_FAILED} (Warning): a member's devices could not be recorded, so no member
 *       was bound; the gang is planned again;
 *   <li>{@value #PARTLY_BOUND} (Warning): a binding was refused after others were posted; bound
 *       members owned by a controller are deleted (recreated whole), bare pods run without the gang;
 *   <li>{@value #UNSCHEDULABLE} (Warning): the gang cannot be placed, with the one reason;
 *   <li>{@value #SIZE_UNKNOWN} (Warning): the pod names a gang whose size cannot be found.
 * </ul>
 */
public final class GangEvents implements GangListener {
  public static final String PLANNED = "GangPlanned";
  public static final String REPLANNED = "GangReplanned";
  public static final String WAITING = "GangWaiting";
  public static final String STARTED = "GangStarted";
  public static final String TIMED_OUT = "GangTimedOut";
  public static final String RELEASED = "GangReleased";
  public static final String BIND_FAILED = "GangBindFailed";
  public static final String PARTLY_BOUND = "GangPartlyBound";
  public static final String UNSCHEDULABLE = "GangUnschedulable";
  public static final String SIZE_UNKNOWN = "GangSizeUnknown";

  private final EventRecorder events;

  public GangEvents(EventRecorder events) {
    this.events = events;
  }

  @Override
  public void planned(GangIdentity gang, Map<String, String> nodes, String level, String domain, boolean replanned) {
    String where = nodes.entrySet().stream().map(e -> GangState.podName(e.getKey()) + "→" + e.getValue())
        .collect(Collectors.joining(", "));
    String msg = "gang " + gang.key() + " (" + gang.size() + " members) " + (replanned ? "re-planned" : "planned")
        + " in " + level + " " + domain + ": " + where;
    nodes.keySet().forEach(m -> events.record(m, EventRecorder.Type.Normal, replanned ? REPLANNED : PLANNED, msg));
  }

  @Override
  public void waiting(GangIdentity gang, String member, int ready, int size) {
    events.record(member, EventRecorder.Type.Normal, WAITING,
        "gang " + gang.key() + ": waiting at the bind barrier, " + ready + "/" + size + " members ready");
  }

  @Override
  public void started(GangIdentity gang, List<String> members, Duration sinceFirstSeen) {
    members.forEach(m -> events.record(m, EventRecorder.Type.Normal, STARTED, "gang " + gang.key() + ": all "
        + gang.size() + " members reached bind after " + sinceFirstSeen.toMillis() + " ms; binding"));
  }

  @Override
  public void released(GangIdentity gang, List<String> members, String why, boolean timedOut) {
    members.forEach(m -> events.record(m, EventRecorder.Type.Warning, timedOut ? TIMED_OUT : RELEASED, why));
  }

  @Override
  public void rejected(GangIdentity gang, List<String> members, String why) {
    members.forEach(m -> events.record(m, EventRecorder.Type.Warning, UNSCHEDULABLE, why));
  }

  /** The opening's writes stopped before any binding: {@code why} on every member of it. */
  public void notBound(List<String> members, String why) {
    members.forEach(m -> events.record(m, EventRecorder.Type.Warning, BIND_FAILED, why));
  }

  /** A binding was refused after others were posted: what happened to {@code member}. */
  public void partlyBound(String member, String message) {
    events.record(member, EventRecorder.Type.Warning, PARTLY_BOUND, message);
  }

  /** A pod names a gang whose size cannot be found: told on the pod, never guessed. */
  public void sizeUnknown(String podKey, String message) {
    events.record(podKey, EventRecorder.Type.Warning, SIZE_UNKNOWN, message);
  }
}
