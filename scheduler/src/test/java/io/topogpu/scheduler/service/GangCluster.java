package io.topogpu.scheduler.service;

import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.topogpu.scheduler.gang.kube.KubePodGroupSizes;
import io.topogpu.scheduler.ledger.GpusAnnotation;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mock API server (CRUD mode) dressed as a GPU cluster for gang tests: 8-GPU DGX A100 nodes
 * labelled with a leaf, gang members as kube-scheduler would see them (labels and annotations as
 * given), the {@code pods/binding} subresource emulated as in {@link MockApi}, and checks read back
 * from the API server: who is bound where, and whether any GPU is recorded twice.
 */
final class GangCluster {
  static final String NS = MockApi.NS;
  private static final NodeTopology DGX = Shapes.load("dgx-a100-8gpu-nv12");

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<String> nodes = new ArrayList<>();
  private final Set<String> refusedBindings = new HashSet<>();
  private final AtomicInteger bindingsPosted = new AtomicInteger();

  GangCluster(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /**
   * Discovery answers that serve the PodGroup CRDs of scheduler-plugins and Volcano (the mock in
   * CRUD mode stores any resource but answers no discovery of its own).
   */
  GangCluster servingPodGroups() {
    for (var crd : List.of(KubePodGroupSizes.SCHEDULER_PLUGINS, KubePodGroupSizes.VOLCANO)) {
      server.expect().get().withPath("/apis/" + crd.getGroup() + "/" + crd.getVersion())
          .andReturn(200, new APIResourceListBuilder().withGroupVersion(crd.getGroup() + "/" + crd.getVersion())
              .addNewResource().withName(crd.getPlural()).withKind(crd.getKind()).withNamespaced(true)
              .withVerbs("get", "list", "watch").withSingularName("podgroup").endResource().build())
          .always();
    }
    return this;
  }

  /** {@code count} empty DGX nodes {@code prefix-1..count} in leaf {@code leaf}. */
  GangCluster leaf(String leaf, String prefix, int count) {
    for (int i = 1; i <= count; i++) {
      String name = prefix + "-" + i;
      client.nodes().resource(new NodeBuilder()
          .withNewMetadata().withName(name).addToLabels(Keys.LABEL_LEGACY_LEAF, leaf)
          .addToAnnotations(Keys.TOPOLOGY, TopologyCodec.encode(DGX)).endMetadata()
          .withNewStatus().addToAllocatable(Keys.RESOURCE_GPU, new Quantity("8")).endStatus().build()).create();
      nodes.add(name);
    }
    return this;
  }

  List<String> nodes() {
    return List.copyOf(nodes);
  }

  /** Members {@code name-0..size-1}, each asking for {@code gpus}, named a gang by topogpu's annotations. */
  List<Pod> gang(String name, int size, int gpus) {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      pods.add(pod(name + "-" + i, gpus, Map.of(),
          Map.of(Keys.GANG, name, Keys.GANG_SIZE, Integer.toString(size))));
    }
    return pods;
  }

  /** A pending pod asking for {@code gpus} whole GPUs, with these labels and annotations. */
  Pod pod(String name, int gpus, Map<String, String> labels, Map<String, String> annotations) {
    return pod(name, gpus, labels, annotations, null);
  }

  /**
   * A pending pod as above, owned by {@code controller} when not null (an ownerReference with
   * {@code controller: true}, as a Job writes on its pods).
   */
  Pod pod(String name, int gpus, Map<String, String> labels, Map<String, String> annotations, String controller) {
    PodBuilder pod = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).addToLabels(labels).addToAnnotations(annotations)
        .endMetadata()
        .withNewSpec().withSchedulerName("topogpu")
        .addNewContainer().withName("train").withImage("registry.example/train:latest")
        .withNewResources().addToLimits(Keys.RESOURCE_GPU, new Quantity(Integer.toString(gpus))).endResources()
        .endContainer().endSpec()
        .withNewStatus().withPhase("Pending").endStatus();
    if (controller != null) {
      pod.editMetadata().addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(controller)
          .withUid("uid-" + controller).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
          .endMetadata();
    }
    Pod created = client.pods().inNamespace(NS).resource(pod.build()).create();
    String path = "/api/v1/namespaces/" + NS + "/pods/" + name + "/binding";
    if (refusedBindings.remove(name)) {
      server.expect().post().withPath(path).andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound")
          .withMessage("pods \"" + name + "\" not found").build()).once();
    }
    server.expect().post().withPath(path)
        .andReply(201, request -> {
          bindingsPosted.incrementAndGet();
          Binding b = Serialization.unmarshal(request.getUtf8Body(), Binding.class);
          CompletableFuture.runAsync(() -> client.pods().inNamespace(NS).withName(b.getMetadata().getName())
              .patch(PatchContext.of(PatchType.JSON_MERGE), MockApi.bindingPatch(b)));
          return b;
        }).always();
    return created;
  }

  /** The first binding posted for pod {@code name}, created after this call, is answered 404. */
  void refuseFirstBinding(String name) {
    refusedBindings.add(name);
  }

  /**
   * The next patch of pod {@code name} is answered 409 Conflict, as the API server answers a JSON
   * patch whose {@code resourceVersion} test fails because the pod changed since it was read.
   */
  void refuseNextPatch(String name) {
    server.expect().patch().withPath("/api/v1/namespaces/" + NS + "/pods/" + name)
        .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
            .withMessage("the object has been modified; please apply your changes to the latest version")
            .build()).once();
  }

  /** Bindings the API server accepted (refused ones not counted). */
  int bindingsPosted() {
    return bindingsPosted.get();
  }

  boolean exists(String pod) {
    return client.pods().inNamespace(NS).withName(pod).get() != null;
  }

  void delete(String pod) {
    client.pods().inNamespace(NS).withName(pod).delete();
  }

  Optional<String> boundNode(String pod) {
    Pod p = client.pods().inNamespace(NS).withName(pod).get();
    return p == null ? Optional.empty() : Optional.ofNullable(p.getSpec().getNodeName());
  }

  Optional<Assignment> annotation(String pod) {
    Map<String, String> a = client.pods().inNamespace(NS).withName(pod).get().getMetadata().getAnnotations();
    return Optional.ofNullable(a == null ? null : a.get(Keys.GPUS)).map(GpusAnnotation::decode);
  }

  void awaitBound(List<Pod> pods) {
    for (Pod p : pods) {
      String name = p.getMetadata().getName();
      MockApi.await(() -> boundNode(name).isPresent(), "pod " + name + " bound");
    }
  }

  /** GPU indices recorded twice on one node, across every bound pod's {@code topogpu.io/gpus}: node → GPUs. */
  Map<String, Set<Integer>> gpusRecordedTwice() {
    Map<String, Set<Integer>> seen = new HashMap<>();
    Map<String, Set<Integer>> twice = new LinkedHashMap<>();
    for (Pod p : client.pods().inNamespace(NS).list().getItems()) {
      String node = p.getSpec().getNodeName();
      Map<String, String> a = p.getMetadata().getAnnotations();
      if (node == null || a == null || !a.containsKey(Keys.GPUS)) {
        continue;
      }
      for (int gpu : GpusAnnotation.decode(a.get(Keys.GPUS)).gpus()) {
        if (!seen.computeIfAbsent(node, n -> new HashSet<>()).add(gpu)) {
          twice.computeIfAbsent(node, n -> new HashSet<>()).add(gpu);
        }
      }
    }
    return twice;
  }

  /** Reasons of the Events recorded on {@code pod}. */
  List<String> eventReasons(String pod) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName())).map(Event::getReason).toList();
  }

  List<String> eventMessages(String pod, String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .map(Event::getMessage).toList();
  }
}
