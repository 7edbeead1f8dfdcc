package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * Body of the filter and prioritize calls ({@code k8s.io/kube-scheduler/extender/v1.ExtenderArgs}).
 * The keys are the Go field names; {@link WireCodec} matches them case-insensitively, as Go does.
 *
 * <p>kube-scheduler sends exactly one of {@code Nodes} (full objects, {@code nodeCacheCapable:
 * false}) or {@code NodeNames} ({@code nodeCacheCapable: true}); the other is {@code null}. When
 * both are present {@code Nodes} wins. Validated on construction, so a decoded value always has a
 * pod with a name and at least one of the two node forms, every node named.
 */
public record ExtenderArgs(
    @JsonProperty("Pod") Pod pod,
    @JsonProperty("Nodes") @JsonDeserialize(using = BoundedNodes.Items.class) NodeList nodes,
    @JsonProperty("NodeNames") @JsonDeserialize(using = BoundedNodes.Names.class)
        List<String> nodeNames) {

  public ExtenderArgs {
    if (pod == null) {
      throw new IllegalArgumentException("Pod: required");
    }
    if (pod.getMetadata() == null || isBlank(pod.getMetadata().getName())) {
      throw new IllegalArgumentException("Pod.metadata.name: required");
    }
    if (nodes == null && nodeNames == null) {
      throw new IllegalArgumentException("Nodes or NodeNames: one of them is required");
    }
    if (nodes != null) {
      List<Node> items = nodes.getItems() == null ? List.of() : nodes.getItems();
      for (int i = 0; i < items.size(); i++) {
        Node node = items.get(i);
        if (node == null || node.getMetadata() == null || isBlank(node.getMetadata().getName())) {
          throw new IllegalArgumentException("Nodes.items[" + i + "].metadata.name: required");
        }
      }
    }
    if (nodeNames != null) {
      for (int i = 0; i < nodeNames.size(); i++) {
        if (isBlank(nodeNames.get(i))) {
          throw new IllegalArgumentException(
              "NodeNames[" + i + "]: must be a node name, got " + quoted(nodeNames.get(i)));
        }
      }
      nodeNames = List.copyOf(nodeNames);
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  static String quoted(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
