package io.topogpu.scheduler.kube;

import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import java.util.List;

/** Nodes and pods read from a {@code kubectl get nodes,pods -A -o json} file, in file order. */
public record Snapshot(List<ClusterNode> nodes, List<PodInfo> pods) {
  public Snapshot {
    nodes = List.copyOf(nodes);
    pods = List.copyOf(pods);
  }
}
