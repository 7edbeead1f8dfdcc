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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

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
    Map<String, String> labels = noNullValues(meta.getLabels(), "metadata.labels");
    noNullValues(meta.getAnnotations(), "metadata.annotations");
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
    return toPodInfo(pod, problem -> {
      throw new KubeObjectException(problem);
    });
  }

  /**
   * As {@link #toPodInfo(Pod)}, but a {@code topogpu.io/gpus} annotation that does not decode is
   * handed to {@code unreadableAssignment} (the message names the field) and the pod is returned
   * without an assignment, as if unannotated: the ledger then counts it the conservative way
   * ({@code Attributor}), never as holding nothing. For pods read to rebuild the ledger, where a
   * bad edit of one annotation must not free GPUs a running pod uses.
   */
  public static PodInfo toPodInfo(Pod pod, Consumer<String> unreadableAssignment) {
    ObjectMeta meta = pod.getMetadata();
    String name = requireName(meta);
    if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
      throw new KubeObjectException("metadata.namespace: missing");
    }
    Map<String, String> annotations = noNullValues(meta.getAnnotations(), "metadata.annotations");
    noNullValues(meta.getLabels(), "metadata.labels");
    PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
    Optional<GpuRequest> request;
    try {
      request = PodRequests.of(spec);
    } catch (IllegalArgumentException e) {
      throw new KubeObjectException("spec: " + e.getMessage());
    }
    Placement placement = new Placement(
        level(annotations, Keys.PLACEMENT_REQUIRED), level(annotations, Keys.PLACEMENT_PREFERRED));
    Optional<Assignment> assignment = Optional.empty();
    String gpus = annotations.get(Keys.GPUS);
    if (gpus != null) {
      try {
        assignment = Optional.of(GpusAnnotation.decode(gpus));
      } catch (GpusAnnotationException e) {
        unreadableAssignment.accept(annotationPath(Keys.GPUS) + ": " + e.getMessage());
      }
    }
    String phase = pod.getStatus() == null ? "" : pod.getStatus().getPhase();
    int priority = spec.getPriority() == null ? 0 : spec.getPriority();
    return new PodInfo(meta.getNamespace(), name, meta.getUid(), orEmpty(meta.getLabels()), annotations,
        request, placement, assignment, Optional.ofNullable(spec.getNodeName()), phase, priority,
        startTime(pod), spec.getSchedulerName(),
        allocated(meta.getNamespace() + "/" + name, annotations.get(Keys.ALLOCATED)));
  }

  /** {@code status.startTime} (RFC 3339, as the API server writes it); empty when unset. */
  private static Optional<Instant> startTime(Pod pod) {
    String value = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(value).toInstant());
    } catch (DateTimeParseException e) {
      throw new KubeObjectException("status.startTime: not an RFC 3339 time: '" + value + "'");
    }
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

  /** Kubernetes never sends a null key or value; a hand-written request may. */
  private static Map<String, String> noNullValues(Map<String, String> m, String path) {
    if (m == null) {
      return Map.of();
    }
    for (Map.Entry<String, String> e : m.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new KubeObjectException(path + "[" + e.getKey() + "]: null");
      }
    }
    return m;
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
    return m == null ? Map.of() : m;
  }
}
