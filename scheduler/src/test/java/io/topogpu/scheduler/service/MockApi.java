package io.topogpu.scheduler.service;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.topogpu.scheduler.ledger.GpusAnnotation;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.NodeTopology;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The fabric8 mock API server in CRUD mode, dressed as a small GPU cluster: nodes carry the {@code
 * topogpu.io/topology} annotation of a real shape, pods ask for GPUs. The mock stores a pod
 * binding without binding anything (reference/fabric8-testing.md §2.2), so every pod gets an
 * expectation on its {@code pods/<name>/binding} path that sets {@code spec.nodeName} and merges the
 * Binding's annotations the way the API server would (§2.3, option 2): asynchronously, off the
 * mock's event loop.
 */
final class MockApi {
  static final String NS = "default";

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  MockApi(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  KubernetesClient client() {
    return client;
  }

  Node node(String name, NodeTopology topology) {
    return client.nodes().resource(new NodeBuilder()
        .withNewMetadata().withName(name).addToAnnotations(Keys.TOPOLOGY, TopologyCodec.encode(topology))
        .endMetadata()
        .withNewStatus().addToAllocatable(Keys.RESOURCE_GPU, new Quantity(Integer.toString(topology.gpuCount())))
        .endStatus().build()).create();
  }

  /** A pending pod asking for {@code count} of {@code resource}, with extra annotations. */
  Pod pod(String name, String resource, int count, Map<String, String> annotations) {
    Pod created = client.pods().inNamespace(NS).resource(podOf(name, resource, count, annotations, null)).create();
    emulateBinding(name);
    return created;
  }

  Pod gpus(String name, int count) {
    return pod(name, Keys.RESOURCE_GPU, count, Map.of());
  }

  Pod mig(String name, String profile) {
    return pod(name, Keys.RESOURCE_MIG_PREFIX + profile, 1, Map.of());
  }

  /** A running pod another scheduler bound to {@code node}: no {@code topogpu.io/gpus}. */
  Pod boundElsewhere(String name, int gpus, String node) {
    return client.pods().inNamespace(NS).resource(podOf(name, Keys.RESOURCE_GPU, gpus, Map.of(), node)).create();
  }

  /** A running pod bound to {@code node} carrying {@code annotations} (a hand-edited one, say). */
  Pod running(String name, int gpus, String node, Map<String, String> annotations) {
    return client.pods().inNamespace(NS)
        .resource(podOf(name, Keys.RESOURCE_GPU, gpus, annotations, node)).create();
  }

  Pod get(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  /** The decoded {@code topogpu.io/gpus} of the pod, if it carries one. */
  Optional<Assignment> annotation(String name) {
    Map<String, String> a = get(name).getMetadata().getAnnotations();
    return Optional.ofNullable(a == null ? null : a.get(Keys.GPUS)).map(GpusAnnotation::decode);
  }

  Optional<String> boundNode(String name) {
    return Optional.ofNullable(get(name).getSpec().getNodeName());
  }

  void awaitBound(String name) {
    await(() -> boundNode(name).isPresent(), "pod " + name + " bound");
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  private void emulateBinding(String pod) {
    if (server == null) {
      return; // a real API server (no mock) binds by itself
    }
    server.expect().post().withPath("/api/v1/namespaces/" + NS + "/pods/" + pod + "/binding")
        .andReply(201, request -> {
          Binding b = Serialization.unmarshal(request.getUtf8Body(), Binding.class);
          CompletableFuture.runAsync(() -> client.pods().inNamespace(NS).withName(b.getMetadata().getName())
              .patch(PatchContext.of(PatchType.JSON_MERGE), bindingPatch(b)));
          return b;
        }).always();
  }

  /**
   * What the API server's binding storage writes for Binding {@code b}, as a JSON merge patch:
   * {@code spec.nodeName} and the Binding's annotations merged into the pod's, in one write.
   */
  static String bindingPatch(Binding b) {
    Map<String, Object> patch = new java.util.LinkedHashMap<>();
    patch.put("spec", Map.of("nodeName", b.getTarget().getName()));
    Map<String, String> annotations = b.getMetadata().getAnnotations();
    if (annotations != null && !annotations.isEmpty()) {
      patch.put("metadata", Map.of("annotations", annotations));
    }
    return Serialization.asJson(patch);
  }

  private static Pod podOf(String name, String resource, int count, Map<String, String> annotations, String node) {
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).addToAnnotations(annotations).endMetadata()
        .withNewSpec().withSchedulerName("topogpu").withNodeName(node)
        .addNewContainer().withName("train").withImage("registry.example/train:latest")
        .withNewResources().addToLimits(resource, new Quantity(Integer.toString(count))).endResources()
        .endContainer().endSpec()
        .withNewStatus().withPhase(node == null ? "Pending" : "Running").endStatus()
        .build();
  }
}
