package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Request bodies as kube-scheduler sends them (Go field names for the extender types, Kubernetes
 * JSON for the embedded objects), built fluently: {@code WireRequests.pod("job-0").nodeNames("a",
 * "b")}.
 */
final class WireRequests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode pod = JSON.createObjectNode();

  private WireRequests(String namespace, String name) {
    ObjectNode meta = pod.putObject("metadata");
    meta.put("name", name).put("namespace", namespace).put("uid", "uid-" + name);
    pod.putObject("spec")
        .putArray("containers")
        .addObject()
        .put("name", "train")
        .putObject("resources")
        .putObject("limits")
        .put("nvidia.com/gpu", "8");
    pod.putObject("status");
  }

  static WireRequests pod(String name) {
    return new WireRequests("default", name);
  }

  /** {@code nodeCacheCapable: true}: names only, {@code Nodes} null. */
  String nodeNames(String... names) {
    ObjectNode args = JSON.createObjectNode();
    args.set("Pod", pod);
    args.putNull("Nodes");
    ArrayNode list = args.putArray("NodeNames");
    for (String name : names) {
      list.add(name);
    }
    return args.toString();
  }

  /** {@code nodeCacheCapable: false}: full Node objects, {@code NodeNames} null. */
  String nodes(String... names) {
    ObjectNode args = JSON.createObjectNode();
    args.set("Pod", pod);
    ObjectNode list = args.putObject("Nodes");
    list.putObject("metadata");
    ArrayNode items = list.putArray("items");
    for (String name : names) {
      items.add(node(name));
    }
    args.putNull("NodeNames");
    return args.toString();
  }

  static ObjectNode node(String name) {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode meta = node.putObject("metadata");
    meta.put("name", name);
    meta.putObject("labels").put("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB");
    node.putObject("spec").put("providerID", "aws:///us-east-1a/" + name);
    ObjectNode status = node.putObject("status");
    status.putObject("allocatable").put("nvidia.com/gpu", "8").put("cpu", "96");
    return node;
  }

  static String bind(String namespace, String pod, String node) {
    return JSON.createObjectNode()
        .put("PodName", pod)
        .put("PodNamespace", namespace)
        .put("PodUID", "uid-" + pod)
        .put("Node", node)
        .toString();
  }
}
