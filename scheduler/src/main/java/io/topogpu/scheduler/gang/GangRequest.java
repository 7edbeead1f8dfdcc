package io.topogpu.scheduler.gang;

import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What gang planning is asked: place {@code members} (pending pods or placeholder slots, each with
 * its own request and placement constraints) next to the members already {@code fixed} on nodes
 * (bound, or waiting at the bind barrier). Fixed members stay where they are: the plan's domain
 * must contain their nodes. Their holdings must already be counted in the node states planned
 * against.
 *
 * @param fixed member key → the node it is on
 */
public record GangRequest(GangIdentity gang, List<PodInfo> members, Map<String, ClusterNode> fixed) {
  public GangRequest {
    Objects.requireNonNull(gang, "gang");
    members = List.copyOf(members);
    fixed = Map.copyOf(fixed);
    for (PodInfo p : members) {
      if (p.request().isEmpty()) {
        throw new IllegalArgumentException("gang member " + p.key() + " requests no GPU resource");
      }
    }
  }

  public static GangRequest of(GangIdentity gang, List<PodInfo> members) {
    return new GangRequest(gang, members, Map.of());
  }
}
