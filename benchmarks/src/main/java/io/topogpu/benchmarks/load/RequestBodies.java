package io.topogpu.benchmarks.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the extender request bodies kube-scheduler sends ({@code ExtenderArgs}, {@code
 * ExtenderBindingArgs}) with the extender's own wire mapper. Each node's JSON (its name, or its
 * whole Node object) is serialised once and spliced into every body that lists it, so building a
 * 5,000-node body costs a copy, not a serialisation, and does not distort the driver's pace.
 */
final class RequestBodies {
  private static final ObjectMapper JSON = KubeForm.mapper();

  private final NodeListMode mode;
  private final Map<String, byte[]> nodeJson = new HashMap<>();

  RequestBodies(List<ClusterNode> nodes, NodeListMode mode) {
    this.mode = mode;
    for (ClusterNode n : nodes) {
      nodeJson.put(n.name(), mode.fullNodes() ? bytes(KubeForm.node(n)) : bytes(n.name()));
    }
  }

  /** Filter or prioritize body for {@code pod} and candidate nodes {@code nodes}, in that order. */
  byte[] extenderArgs(byte[] podJson, List<String> nodes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(estimate(nodes));
    out.writeBytes(ascii("{\"Pod\":"));
    out.writeBytes(podJson);
    out.writeBytes(ascii(mode.fullNodes()
        ? ",\"Nodes\":{\"apiVersion\":\"v1\",\"kind\":\"NodeList\",\"items\":[" : ",\"NodeNames\":["));
    for (int i = 0; i < nodes.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      byte[] json = nodeJson.get(nodes.get(i));
      if (json == null) {
        throw new IllegalArgumentException("node " + nodes.get(i) + " is not in the synthetic cluster");
      }
      out.writeBytes(json);
    }
    out.writeBytes(ascii(mode.fullNodes() ? "]}}" : "]}"));
    return out.toByteArray();
  }

  static byte[] pod(PodInfo pod) {
    return bytes(KubeForm.pod(pod));
  }

  static byte[] bindingArgs(PodInfo pod, String node) {
    return bytes(Map.of("PodName", pod.name(), "PodNamespace", pod.namespace(), "PodUID", pod.uid(), "Node", node));
  }

  private int estimate(List<String> nodes) {
    int per = nodes.isEmpty() ? 0 : nodeJson.get(nodes.get(0)).length + 1;
    return (int) Math.min(Integer.MAX_VALUE - 16, 4096L + (long) per * nodes.size());
  }

  private static byte[] bytes(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value, e);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
