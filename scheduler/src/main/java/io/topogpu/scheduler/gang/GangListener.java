package io.topogpu.scheduler.gang;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@link GangCoordinator} reports as a gang moves through planning and the bind barrier: the
 * hook for Kubernetes Events on the members and for gang metrics. Called after the coordinator's
 * locks are released, on the thread that caused the change; implementations must not block long.
 * Member lists hold pod keys ({@code namespace/name}) of the members known at that moment.
 */
public interface GangListener {

  /** A plan was made (or re-made, when {@code replanned}): member → node, inside {@code domain}. */
  default void planned(GangIdentity gang, Map<String, String> nodes, String level, String domain,
      boolean replanned) {}

  /** Member {@code member} waits at the barrier: {@code ready} of {@code size} members bound or waiting. */
  default void waiting(GangIdentity gang, String member, int ready, int size) {}

  /** Every member reached bind: all binds go, {@code sinceFirstSeen} after the gang's first filter. */
  default void started(GangIdentity gang, List<String> members, Duration sinceFirstSeen) {}

  /**
   * The plan was dropped: waiting binds fail, reservations are released. {@code timedOut} when
   * the deadline passed (rather than a member deleted, a conflict, or a re-plan that failed).
   */
  default void released(GangIdentity gang, List<String> members, String why, boolean timedOut) {}

  /** The gang cannot be placed now; {@code why} is given to every member. */
  default void rejected(GangIdentity gang, List<String> members, String why) {}

  /** Reports nothing. */
  GangListener NONE = new GangListener() {};

  /** Tells every one of {@code listeners}, in order. */
  static GangListener all(List<GangListener> listeners) {
    List<GangListener> copy = List.copyOf(listeners);
    return new GangListener() {
      @Override
      public void planned(GangIdentity gang, Map<String, String> nodes, String level, String domain,
          boolean replanned) {
        copy.forEach(l -> l.planned(gang, nodes, level, domain, replanned));
      }

      @Override
      public void waiting(GangIdentity gang, String member, int ready, int size) {
        copy.forEach(l -> l.waiting(gang, member, ready, size));
      }

      @Override
      public void started(GangIdentity gang, List<String> members, Duration sinceFirstSeen) {
        copy.forEach(l -> l.started(gang, members, sinceFirstSeen));
      }

      @Override
      public void released(GangIdentity gang, List<String> members, String why, boolean timedOut) {
        copy.forEach(l -> l.released(gang, members, why, timedOut));
      }

      @Override
      public void rejected(GangIdentity gang, List<String> members, String why) {
        copy.forEach(l -> l.rejected(gang, members, why));
      }
    };
  }
}
