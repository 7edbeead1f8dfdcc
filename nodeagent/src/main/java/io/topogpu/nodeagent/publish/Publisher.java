package io.topogpu.nodeagent.publish;

import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.NodeTopology;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the node's {@code topogpu.io/topology} annotation equal to the last good probe.
 *
 * <p>Contract (the stale contract of docs/nodeagent.md):
 * <ul>
 *   <li>After a good probe, {@link Keys#TOPOLOGY} = {@code TopologyCodec.encode(topology)} and
 *       {@link Keys#TOPOLOGY_STALE} is absent. The node is written only when one of the two differs,
 *       so a steady node costs one read per cycle and no write.
 *   <li>After a failed probe, {@link Keys#TOPOLOGY} is kept as it is, never deleted; if present, {@link
 *       Keys#TOPOLOGY_STALE} is set to the RFC 3339 UTC time of the first failure since the last good
 *       probe and left alone on later failures.
 * </ul>
 * Every API call goes through the {@link RetryPolicy}; a failure that outlives it propagates.
 */
public final class Publisher {
  private final NodeAnnotations node;
  private final RetryPolicy retry;
  private final Clock clock;

  public Publisher(NodeAnnotations node, RetryPolicy retry, Clock clock) {
    this.node = node;
    this.retry = retry;
    this.clock = clock;
  }

  public Outcome published(NodeTopology topology) {
    String value = TopologyCodec.encode(topology);
    Map<String, String> current = retry.call(node::read);
    boolean stale = present(current, Keys.TOPOLOGY_STALE);
    if (value.equals(current.get(Keys.TOPOLOGY)) && !stale) {
      return Outcome.UNCHANGED;
    }
    Map<String, String> changes = new HashMap<>();
    changes.put(Keys.TOPOLOGY, value);
    if (stale) {
      changes.put(Keys.TOPOLOGY_STALE, null);
    }
    retry.run(() -> node.merge(changes));
    return Outcome.PUBLISHED;
  }

  public Outcome probeFailed() {
    Map<String, String> current = retry.call(node::read);
    if (!present(current, Keys.TOPOLOGY)) {
      return Outcome.NOTHING_PUBLISHED;
    }
    if (present(current, Keys.TOPOLOGY_STALE)) {
      return Outcome.STILL_STALE;
    }
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    retry.run(() -> node.merge(Map.of(Keys.TOPOLOGY_STALE, now)));
    return Outcome.MARKED_STALE;
  }

  /** Annotation values are strings; a key read back with a null value (a merge-patch null echoed) is absent. */
  private static boolean present(Map<String, String> annotations, String key) {
    return annotations.get(key) != null;
  }
}
