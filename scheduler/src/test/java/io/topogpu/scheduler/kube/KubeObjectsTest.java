package io.topogpu.scheduler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.shapes.Shapes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KubeObjectsTest {

  static Container container(String name, String resource, String amount) {
    return new ContainerBuilder().withName(name).withNewResources()
        .addToRequests(resource, new Quantity(amount)).endResources().build();
  }

  static Container sidecar(String name, String resource, String amount) {
    return new ContainerBuilder(container(name, resource, amount)).withRestartPolicy("Always").build();
  }

  static Pod pod(List<Container> init, List<Container> app) {
    return new PodBuilder().withNewMetadata().withNamespace("ml").withName("train").endMetadata()
        .withNewSpec().withInitContainers(init).withContainers(app).endSpec().build();
  }

  static Optional<GpuRequest> request(List<Container> init, List<Container> app) {
    return KubeObjects.toPodInfo(pod(init, app)).request();
  }

  /** init 2 then 1, app 1 + 1: max(2, 1, 1 + 1) = 2. */
  @Test
  void initContainersCountByTheirPeakAgainstTheSumOfAppContainers() {
    assertThat(request(
        List.of(container("i1", Keys.RESOURCE_GPU, "2"), container("i2", Keys.RESOURCE_GPU, "1")),
        List.of(container("a", Keys.RESOURCE_GPU, "1"), container("b", Keys.RESOURCE_GPU, "1"))))
        .contains(new GpuRequest.WholeGpus(2));
  }

  /** sidecar 1 then init 2: peak 1 + 2 = 3; app 1 + sidecar 1 = 2; max = 3. */
  @Test
  void sidecarsRunBesideLaterInitContainersAndTheApp() {
    assertThat(request(
        List.of(sidecar("s", Keys.RESOURCE_GPU, "1"), container("i", Keys.RESOURCE_GPU, "2")),
        List.of(container("a", Keys.RESOURCE_GPU, "1"))))
        .contains(new GpuRequest.WholeGpus(3));
  }

  @Test
  void aLimitWithoutRequestIsTheRequest() {
    Container c = new ContainerBuilder().withName("a").withNewResources()
        .addToLimits(Keys.RESOURCE_GPU, new Quantity("4")).endResources().build();
    assertThat(request(List.of(), List.of(c))).contains(new GpuRequest.WholeGpus(4));
  }

  @Test
  void migAndShareResourcesBecomeTheirRequestKinds() {
    assertThat(request(List.of(), List.of(container("a", "nvidia.com/mig-1g.10gb", "2"))))
        .contains(new GpuRequest.MigInstances("1g.10gb", 2));
    assertThat(request(List.of(), List.of(container("a", Keys.RESOURCE_GPU_MILLI, "250"))))
        .contains(new GpuRequest.GpuShare(250));
  }

  @Test
  void podsAskingForNoManagedResourceAreNotOurs() {
    assertThat(request(List.of(), List.of(container("a", "cpu", "2")))).isEmpty();
    assertThat(request(List.of(), List.of(container("a", Keys.RESOURCE_GPU, "0")))).isEmpty();
  }

  @Test
  void badRequestsAreRejectedNamingTheField() {
    assertThatThrownBy(() -> request(List.of(), List.of(container("a", Keys.RESOURCE_GPU, "1500m"))))
        .hasMessage("spec.containers[0].resources.requests[nvidia.com/gpu]: must be a whole non-negative number, got '1500m'");
    assertThatThrownBy(() -> request(List.of(),
        List.of(container("a", Keys.RESOURCE_GPU, "1"), container("b", "nvidia.com/mig-1g.10gb", "1"))))
        .hasMessage("spec: requests nvidia.com/gpu and nvidia.com/mig-1g.10gb; topogpu places one GPU resource kind per pod");
    assertThatThrownBy(() -> request(List.of(), List.of(container("a", Keys.RESOURCE_GPU_MILLI, "1500"))))
        .hasMessage("spec: topogpu.io/gpu-milli must be 1..1000 (a share of one GPU), got 1500");
  }

  @Test
  void placementAndAssignmentComeFromAnnotations() {
    Assignment a = Assignment.whole("dgx", List.of(4, 5), List.of("", ""));
    Pod p = new PodBuilder(pod(List.of(), List.of(container("a", Keys.RESOURCE_GPU, "2"))))
        .editMetadata().withAnnotations(Map.of(Keys.PLACEMENT_REQUIRED, "NVLink", Keys.PLACEMENT_PREFERRED, "numa",
            Keys.GPUS, "{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":4},{\"index\":5}]}")).endMetadata()
        .editSpec().withNodeName("dgx").endSpec().withNewStatus().withPhase("Running").endStatus().build();
    PodInfo info = KubeObjects.toPodInfo(p);
    assertThat(info.placement().required()).contains("nvlink");
    assertThat(info.placement().preferred()).contains("numa");
    assertThat(info.assignment()).contains(a);
    assertThat(info.holdsGpus()).isTrue();
  }

  @Test
  void theActualAllocationIsDecodedAndABadOneIsIgnoredNotFatal() {
    Pod p = new PodBuilder(pod(List.of(), List.of(container("a", Keys.RESOURCE_GPU, "2"))))
        .editMetadata().withAnnotations(Map.of(
            Keys.GPUS, "{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":4},{\"index\":5}]}",
            Keys.ALLOCATED, "{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":1,\"uuid\":\"GPU-b\"},{\"index\":6,\"uuid\":\"GPU-g\"}]}"))
        .endMetadata().editSpec().withNodeName("dgx").endSpec().withNewStatus().withPhase("Running").endStatus().build();
    PodInfo info = KubeObjects.toPodInfo(p);
    assertThat(info.held()).contains(Assignment.whole("dgx", List.of(1, 6), List.of("GPU-b", "GPU-g")));
    assertThat(info.allocationMismatch()).isTrue();
    Pod bad = new PodBuilder(p).editMetadata().addToAnnotations(Keys.ALLOCATED, "{\"v\":2}").endMetadata().build();
    PodInfo fallback = KubeObjects.toPodInfo(bad);
    assertThat(fallback.allocated()).isEmpty();
    assertThat(fallback.held()).contains(Assignment.whole("dgx", List.of(4, 5), List.of("", "")));
  }

  @Test
  void badAnnotationsAreRejectedNamingTheAnnotation() {
    Pod bad = new PodBuilder(pod(List.of(), List.of(container("a", Keys.RESOURCE_GPU, "2"))))
        .editMetadata().withAnnotations(Map.of(Keys.PLACEMENT_REQUIRED, "same rack")).endMetadata().build();
    assertThatThrownBy(() -> KubeObjects.toPodInfo(bad)).hasMessage(
        "metadata.annotations[topogpu.io/placement-required]: placement level must be nvlink, numa, node or a tier name, got 'same rack'");
    Pod badGpus = new PodBuilder(bad).editMetadata().withAnnotations(Map.of(Keys.GPUS, "{\"v\":1}")).endMetadata().build();
    assertThatThrownBy(() -> KubeObjects.toPodInfo(badGpus))
        .hasMessage("metadata.annotations[topogpu.io/gpus]: node: missing");
  }

  static Node node(Map<String, String> annotations) {
    return new NodeBuilder().withNewMetadata().withName("gpu-1").withAnnotations(annotations).endMetadata()
        .withNewStatus().addToAllocatable(Keys.RESOURCE_GPU, new Quantity("8"))
        .addToAllocatable("cpu", new Quantity("96")).endStatus().build();
  }

  @Test
  void nodeTopologyIsDecodedFromItsAnnotation() {
    var t = Shapes.load("dgx-a100-8gpu-nv12");
    var n = KubeObjects.toClusterNode(node(Map.of(Keys.TOPOLOGY, TopologyCodec.encode(t))));
    assertThat(n.topology()).contains(TopologyCodec.decode(TopologyCodec.encode(t)));
    assertThat(n.allocatable()).isEqualTo(Map.of(Keys.RESOURCE_GPU, 8L));
  }

  @Test
  void nodeWithoutValidTopologyIsTopologyUnknownNotAnError() {
    assertThat(KubeObjects.toClusterNode(node(Map.of())).topologyProblem()).isEqualTo("topogpu.io/topology annotation missing");
    assertThat(KubeObjects.toClusterNode(node(Map.of(Keys.TOPOLOGY, "{}"))).topologyProblem())
        .startsWith("topogpu.io/topology");
  }
}
