package io.topogpu.scheduler.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.scheduler.ledger.GpusAnnotation;
import io.topogpu.scheduler.ledger.GpusAnnotationException;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.AnnotationException;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.NodeTopology;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The only place that knows fabric8's model types: turns Nodes and Pods into the plain records
 * placement works on, validating once. Throws {@link KubeObjectException} with the field path for
 * anything unusable in a pod; a node whose topology annotation is missing or invalid is not an
 * error but a node with unknown topology, which placement rejects saying why.
 */
public final class KubeObjects {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KubeObjects.class);
  private KubeObjects() {}

  public static ClusterNode toClusterNode(Node node) {
    ObjectMeta meta = node.getMetadata();
    String name = requireName(meta);
    Map<String, String> labels = orEmpty(meta.getLabels());
    Map<String, Long> allocatable = new TreeMap<>();
    Map<String, Quantity> alloc = node.getStatus() == null || node.getStatus().getAllocatable() == null
        ? Map.of() : node.getStatus().getAllocatable();
    alloc.forEach((k, q) -> {
      if (PodRequests.isManaged(k)) {
        allocatable.put(k, PodRequests.count(q, "status.allocatable[" + k + "]"));
      }
    });
    String value = orEmpty(meta.getAnnotations()).get(Keys.TOPOLOGY);
    if (value == null) {
      return ClusterNode.topologyUnknown(name, labels, allocatable, Keys.TOPOLOGY + " annotation missing");
    }
    try {
      NodeTopology t = TopologyCodec.decode(value);
      return ClusterNode.withTopology(name, labels, allocatable, t);
    } catch (AnnotationException | IllegalArgumentException e) {
      return ClusterNode.topologyUnknown(name, labels, allocatable, invalid(e.getMessage()));
    }
  }

  public static PodInfo toPodInfo(Pod pod) {
    ObjectMeta meta = pod.getMetadata();
    String name = requireName(meta);
    if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
      throw new KubeObjectException("metadata.namespace: missing");
    }
    Map<String, String> annotations = orEmpty(meta.getAnnotations());
    PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
    Optional<GpuRequest> request;
    try {
      request = PodRequests.of(spec);
    } catch (IllegalArgumentException e) {
      throw new KubeObjectException("spec: " + e.getMessage());
    }
    Placement placement = new Placement(
        level(annotations, Keys.PLACEMENT_REQUIRED), level(annotations, Keys.PLACEMENT_PREFERRED));
    Optional<Assignment> assignment = Optional.ofNullable(annotations.get(Keys.GPUS)).map(v -> {
      try {
        return GpusAnnotation.decode(v);
      } catch (GpusAnnotationException e) {
        throw new KubeObjectException(annotationPath(Keys.GPUS) + ": " + e.getMessage());
      }
    });
    String phase = pod.getStatus() == null ? "" : pod.getStatus().getPhase();
    return new PodInfo(meta.getNamespace(), name, meta.getUid(), orEmpty(meta.getLabels()), annotations,
        request, placement, assignment, Optional.ofNullable(spec.getNodeName()), phase,
        allocated(meta.getNamespace() + "/" + name, annotations.get(Keys.ALLOCATED)));
  }

  /**
   * {@code topogpu.io/allocated}, decoded; a value that does not decode is logged and ignored (the
   * pod then counts as holding its {@code topogpu.io/gpus}), so a bad report never frees devices.
   */
  private static Optional<Assignment> allocated(String pod, String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(GpusAnnotation.decode(value));
    } catch (GpusAnnotationException e) {
      LOG.warn("pod {}: {} ignored: {}", pod, annotationPath(Keys.ALLOCATED), e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<String> level(Map<String, String> annotations, String key) {
    String v = annotations.get(key);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Placement.level(v));
    } catch (IllegalArgumentException e) {
      throw new KubeObjectException(annotationPath(key) + ": " + e.getMessage());
    }
  }

  /** The codec's messages usually name the annotation already; name it where they do not. */
  private static String invalid(String message) {
    return message.startsWith(Keys.TOPOLOGY) ? message : Keys.TOPOLOGY + ": " + message;
  }

  static String annotationPath(String key) {
    return "metadata.annotations[" + key + "]";
  }

  private static String requireName(ObjectMeta meta) {
    if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
      throw new KubeObjectException("metadata.name: missing");
    }
    return meta.getName();
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
