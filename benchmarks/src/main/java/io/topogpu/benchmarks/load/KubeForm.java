package io.topogpu.benchmarks.load;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.scheduler.extender.WireCodec;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.NodeTopology;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Kubernetes objects a synthetic cluster's records stand for, as the API server would serve
 * them: Nodes with the {@code topogpu.io/topology} annotation and the device plugin's allocatable
 * counts, Pods with their GPU requests, node and {@code topogpu.io/gpus} annotation. Used for the
 * full-{@code NodeList} request bodies and for snapshot files that {@code SnapshotReader} reads
 * back.
 */
public final class KubeForm {
  private static final ObjectMapper MAPPER = new WireCodec().mapper();

  private KubeForm() {}

  /** The extender's own wire mapper, so request bodies are written exactly as they are read. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static Node node(ClusterNode n) {
    NodeTopology t = n.topology().orElseThrow(() -> new IllegalArgumentException(
        "node " + n.name() + ": synthetic nodes always have a topology"));
    Map<String, Quantity> allocatable = new TreeMap<>();
    allocatable.put("cpu", new Quantity("190"));
    allocatable.put("memory", new Quantity("2000Gi"));
    allocatable.put("pods", new Quantity("110"));
    long whole = t.gpus().stream().filter(g -> !g.mig().enabled()).count();
    if (whole > 0) {
      allocatable.put(Keys.RESOURCE_GPU, new Quantity(Long.toString(whole)));
    }
    Map<String, Integer> mig = new TreeMap<>();
    for (Gpu g : t.gpus()) {
      for (MigInstance m : g.mig().instances()) {
        mig.merge(Keys.RESOURCE_MIG_PREFIX + m.profile(), 1, Integer::sum);
      }
    }
    mig.forEach((k, v) -> allocatable.put(k, new Quantity(Integer.toString(v))));
    return new NodeBuilder()
        .withNewMetadata().withName(n.name()).withLabels(n.labels())
        .withAnnotations(Map.of(Keys.TOPOLOGY, TopologyCodec.encode(t))).endMetadata()
        .withNewStatus().withAllocatable(allocatable).withCapacity(allocatable)
        .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
        .build();
  }

  public static Pod pod(PodInfo p) {
    PodBuilder b = new PodBuilder()
        .withNewMetadata().withNamespace(p.namespace()).withName(p.name()).withUid(p.uid())
        .withLabels(p.labels()).withAnnotations(p.annotations()).endMetadata();
    Map<String, Quantity> resources = p.request().map(KubeForm::resources).orElse(Map.of());
    b.withNewSpec().withNodeName(p.nodeName().orElse(null)).withSchedulerName("default-scheduler")
        .addNewContainer().withName("main").withImage("registry.example/bench:1")
        .withNewResources().withRequests(resources).withLimits(resources).endResources()
        .endContainer().endSpec()
        .withNewStatus().withPhase(p.phase()).endStatus();
    return b.build();
  }

  private static Map<String, Quantity> resources(GpuRequest r) {
    if (r instanceof GpuRequest.WholeGpus w) {
      return Map.of(Keys.RESOURCE_GPU, new Quantity(Integer.toString(w.count())));
    }
    if (r instanceof GpuRequest.MigInstances m) {
      return Map.of(Keys.RESOURCE_MIG_PREFIX + m.profile(), new Quantity(Integer.toString(m.count())));
    }
    return Map.of(Keys.RESOURCE_GPU_MILLI, new Quantity(Integer.toString(((GpuRequest.GpuShare) r).milli())));
  }

  /** Writes {@code kubectl get nodes,pods -A -o json} output for the cluster: a v1 List, nodes first. */
  public static void writeSnapshot(SyntheticCluster cluster, Path file) {
    try (OutputStream out = Files.newOutputStream(file);
        JsonGenerator g = mapper().getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("apiVersion", "v1");
      g.writeStringField("kind", "List");
      g.writeArrayFieldStart("items");
      for (ClusterNode n : cluster.nodes()) {
        mapper().writeValue(g, node(n));
      }
      for (PodInfo p : cluster.pods()) {
        mapper().writeValue(g, pod(p));
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing snapshot " + file, e);
    }
  }
}
