package io.topogpu.scheduler.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.PodInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads cluster snapshots ({@code kubectl get nodes,pods -A -o json}) and single pod manifests
 * (JSON or YAML) through fabric8's serialization. Every error is a {@link KubeObjectException}
 * whose message names the source, the item and the field: {@code snapshot.json: items[3] (Node
 * gpu-7): status.allocatable[nvidia.com/gpu]: ...}.
 */
public final class SnapshotReader {
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new YAMLMapper();

  private SnapshotReader() {}

  /** Parses a List of Nodes and Pods; {@code source} names the file in messages. */
  public static Snapshot read(String source, String text) {
    JsonNode root = tree(source, text);
    JsonNode items = root.get("items");
    if (items == null || !items.isArray()) {
      throw new KubeObjectException(source + ": items: missing; expected the output of kubectl get nodes,pods -A -o json");
    }
    List<ClusterNode> nodes = new ArrayList<>();
    List<PodInfo> pods = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String kind = item.path("kind").asText("");
      String at = source + ": items[" + i + "] (" + kind + " " + displayName(item) + ")";
      switch (kind) {
        case "Node" -> nodes.add(wrap(at, () -> KubeObjects.toClusterNode(convert(item, Node.class))));
        case "Pod" -> pods.add(wrap(at, () -> KubeObjects.toPodInfo(convert(item, Pod.class))));
        default -> throw new KubeObjectException(
            source + ": items[" + i + "]: kind: expected Node or Pod, got '" + kind + "'");
      }
    }
    return new Snapshot(nodes, pods);
  }

  /** Parses one Pod manifest, JSON or YAML. */
  public static PodInfo readPod(String source, String text) {
    JsonNode root = tree(source, text);
    String kind = root.path("kind").asText("");
    if (!kind.equals("Pod")) {
      throw new KubeObjectException(source + ": kind: expected Pod, got '" + kind + "'");
    }
    return wrap(source, () -> KubeObjects.toPodInfo(convert(root, Pod.class)));
  }

  private static JsonNode tree(String source, String text) {
    try {
      JsonNode root = (text.stripLeading().startsWith("{") ? JSON : YAML).readTree(text);
      if (root == null || !root.isObject()) {
        throw new KubeObjectException(source + ": expected a JSON or YAML object");
      }
      return root;
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage().split("\n")[0].replaceFirst(" \\(start marker at .*$", "");
      throw new KubeObjectException(source + ": line " + e.getLocation().getLineNr() + ": not JSON or YAML: " + why);
    }
  }

  private static <T> T convert(JsonNode item, Class<T> type) {
    try {
      return KUBE.convertValue(item, type);
    } catch (IllegalArgumentException e) {
      throw new KubeObjectException(e.getMessage().split("\n")[0]);
    }
  }

  private static String displayName(JsonNode item) {
    String ns = item.path("metadata").path("namespace").asText("");
    String name = item.path("metadata").path("name").asText("?");
    return ns.isEmpty() ? name : ns + "/" + name;
  }

  private interface Decode<T> {
    T get();
  }

  private static <T> T wrap(String at, Decode<T> d) {
    try {
      return d.get();
    } catch (KubeObjectException e) {
      throw new KubeObjectException(at + ": " + e.getMessage());
    }
  }
}
