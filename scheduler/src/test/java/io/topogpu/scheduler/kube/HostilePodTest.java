package io.topogpu.scheduler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.topology.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pods a hostile or buggy client can send: nulls where Kubernetes never puts them, and requests
 * whose sum does not fit in a long. Each is refused naming the field and the value, never a bare
 * exception, and never an overflowed (wrong) request.
 */
class HostilePodTest {

  private static Pod pod(List<Container> app) {
    return new PodBuilder().withNewMetadata().withNamespace("ml").withName("train").endMetadata()
        .withNewSpec().withContainers(app).endSpec().build();
  }

  private static Container asking(String resource, String amount) {
    return KubeObjectsTest.container("c", resource, amount);
  }

  @Test
  void aNullContainerIsNamed() {
    Pod p = pod(List.of());
    p.getSpec().setContainers(new ArrayList<>(Arrays.asList((Container) null)));

    assertThatThrownBy(() -> KubeObjects.toPodInfo(p))
        .isInstanceOf(KubeObjectException.class)
        .hasMessage("spec.containers[0]: null");
  }

  @Test
  void aNullInitContainerIsNamed() {
    Pod p = pod(List.of(asking(Keys.RESOURCE_GPU, "1")));
    p.getSpec().setInitContainers(new ArrayList<>(Arrays.asList((Container) null)));

    assertThatThrownBy(() -> KubeObjects.toPodInfo(p))
        .isInstanceOf(KubeObjectException.class)
        .hasMessage("spec.initContainers[0]: null");
  }

  @Test
  void aNullQuantityIsNamed() {
    Map<String, Quantity> requests = new HashMap<>();
    requests.put(Keys.RESOURCE_GPU, null);
    Container c = new ContainerBuilder().withName("c").withNewResources()
        .withRequests(requests).endResources().build();

    assertThatThrownBy(() -> KubeObjects.toPodInfo(pod(List.of(c))))
        .isInstanceOf(KubeObjectException.class)
        .hasMessage("spec.containers[0].resources.requests[nvidia.com/gpu]: null");
  }

  @Test
  void aNullAnnotationValueIsNamed() {
    Pod p = pod(List.of(asking(Keys.RESOURCE_GPU, "1")));
    Map<String, String> annotations = new HashMap<>();
    annotations.put(Keys.GPUS, null);
    p.getMetadata().setAnnotations(annotations);

    assertThatThrownBy(() -> KubeObjects.toPodInfo(p))
        .isInstanceOf(KubeObjectException.class)
        .hasMessage("metadata.annotations[topogpu.io/gpus]: null");
  }

  @Test
  void aNullLabelValueIsNamed() {
    Pod p = pod(List.of(asking(Keys.RESOURCE_GPU, "1")));
    Map<String, String> labels = new HashMap<>();
    labels.put("team", null);
    p.getMetadata().setLabels(labels);

    assertThatThrownBy(() -> KubeObjects.toPodInfo(p))
        .isInstanceOf(KubeObjectException.class)
        .hasMessage("metadata.labels[team]: null");
  }

  /** 2^63-1 + 2^63-1 + 4 wraps to 2 in a long: it must be refused, not read as 2 GPUs. */
  @Test
  void wholeGpuSumsThatOverflowAreRefused() {
    String max = Long.toString(Long.MAX_VALUE);
    Pod p = pod(List.of(asking(Keys.RESOURCE_GPU, max), asking(Keys.RESOURCE_GPU, max),
        asking(Keys.RESOURCE_GPU, "4")));

    assertThatThrownBy(() -> KubeObjects.toPodInfo(p))
        .isInstanceOf(KubeObjectException.class)
        .hasMessage("spec.containers[1].resources.requests[nvidia.com/gpu]: the pod's total"
            + " request of nvidia.com/gpu is too large (over " + max + ")");
  }

  /** The same trick on shares would give 250 milli; nothing else checks this resource. */
  @Test
  void shareSumsThatOverflowAreRefused() {
    String max = Long.toString(Long.MAX_VALUE);
    Pod p = pod(List.of(asking(Keys.RESOURCE_GPU_MILLI, max), asking(Keys.RESOURCE_GPU_MILLI, max),
        asking(Keys.RESOURCE_GPU_MILLI, "252")));

    assertThatThrownBy(() -> KubeObjects.toPodInfo(p))
        .isInstanceOf(KubeObjectException.class)
        .hasMessageContaining("topogpu.io/gpu-milli is too large");
  }

  /** Sidecars add up too: 2^63-1 in a sidecar plus 1 in the app overflows. */
  @Test
  void sidecarSumsThatOverflowAreRefused() {
    Pod p = pod(List.of(asking(Keys.RESOURCE_GPU, "1")));
    p.getSpec().setInitContainers(List.of(
        KubeObjectsTest.sidecar("s1", Keys.RESOURCE_GPU, Long.toString(Long.MAX_VALUE)),
        KubeObjectsTest.sidecar("s2", Keys.RESOURCE_GPU, "1")));

    assertThatThrownBy(() -> KubeObjects.toPodInfo(p))
        .isInstanceOf(KubeObjectException.class)
        .hasMessageContaining("nvidia.com/gpu is too large");
  }

  @Test
  void sumsThatFitStillAdd() {
    Pod p = pod(List.of(asking(Keys.RESOURCE_GPU, "3"), asking(Keys.RESOURCE_GPU, "4")));

    assertThat(KubeObjects.toPodInfo(p).request()).contains(new GpuRequest.WholeGpus(7));
  }
}
