package io.topogpu.scheduler.extender;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A decoded filter or prioritize request: the pod and the candidate node names, in kube-scheduler's
 * order. {@code fullNodes} holds the Node objects when kube-scheduler sent them ({@code
 * nodeCacheCapable: false}), in the same order as {@code nodeNames}; it is empty when only names
 * were sent.
 */
public record FilterRequest(Pod pod, List<String> nodeNames, Optional<List<Node>> fullNodes) {

  public FilterRequest {
    nodeNames = List.copyOf(nodeNames);
    fullNodes = fullNodes.map(List::copyOf);
  }

  /** Only the names were sent: the backend reads nodes from its own cache. */
  public static FilterRequest withNodeNames(Pod pod, List<String> nodeNames) {
    return new FilterRequest(pod, nodeNames, Optional.empty());
  }

  /** Full Node objects were sent; the response echoes the passing ones back as {@code Nodes}. */
  public static FilterRequest withNodes(Pod pod, List<Node> nodes) {
    List<String> names = new ArrayList<>(nodes.size());
    for (Node node : nodes) {
      names.add(node.getMetadata().getName());
    }
    return new FilterRequest(pod, names, Optional.of(nodes));
  }

  /**
   * The request form of validated wire arguments; {@code Nodes} wins when both forms are present.
   */
  public static FilterRequest from(ExtenderArgs args) {
    if (args.nodes() != null) {
      List<Node> items = args.nodes().getItems();
      return withNodes(args.pod(), items == null ? List.of() : items);
    }
    return withNodeNames(args.pod(), args.nodeNames());
  }
}
