package io.topogpu.scheduler.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.topogpu.scheduler.model.PodInfo;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code spec.priority} and {@code status.startTime} decoded at the edge, for preemption. */
class KubeObjectsPriorityTest {
  private static PodBuilder pod() {
    return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").endMetadata();
  }

  @Test
  void priorityAndStartTimeAreRead() {
    Pod pod = pod().withNewSpec().withPriority(1000).endSpec()
        .withNewStatus().withPhase("Running").withStartTime("2026-01-01T10:00:00Z").endStatus().build();

    PodInfo info = KubeObjects.toPodInfo(pod);

    assertThat(info.priority()).isEqualTo(1000);
    assertThat(info.startTime()).contains(Instant.parse("2026-01-01T10:00:00Z"));
  }

  @Test
  void aPodWithoutEitherHasPriorityZeroAndNoStartTime() {
    PodInfo info = KubeObjects.toPodInfo(pod().build());

    assertThat(info.priority()).isZero();
    assertThat(info.startTime()).isEmpty();
    assertThat(info.boundTo("n").priority()).isZero();
  }

  @Test
  void aMalformedStartTimeNamesTheFieldAndTheValue() {
    Pod pod = pod().withNewStatus().withStartTime("yesterday").endStatus().build();

    assertThatThrownBy(() -> KubeObjects.toPodInfo(pod)).isInstanceOf(KubeObjectException.class)
        .hasMessage("status.startTime: not an RFC 3339 time: 'yesterday'");
  }
}
