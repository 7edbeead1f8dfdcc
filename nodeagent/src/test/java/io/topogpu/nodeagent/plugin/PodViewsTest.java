package io.topogpu.nodeagent.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.topology.Keys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodViewsTest {
  private static final String GPUS = "{\"v\":1,\"node\":\"n1\",\"gpus\":[{\"index\":1,\"uuid\":\"GPU-1\"},{\"index\":2,\"uuid\":\"GPU-2\"}]}";
  private final List<String> problems = new ArrayList<>();

  private static Pod pod(String node, String phase, String gpus) {
    return new PodBuilder()
        .withNewMetadata().withNamespace("ns").withName("p").withUid("u1")
        .withCreationTimestamp("2026-01-01T00:00:00Z").withAnnotations(gpus == null ? Map.of() : Map.of(Keys.GPUS, gpus)).endMetadata()
        .withNewSpec().withNodeName(node)
        .addNewInitContainer().withName("init").withNewResources().withLimits(Map.of(Keys.RESOURCE_GPU, new Quantity("1"))).endResources().endInitContainer()
        .addNewContainer().withName("side").endContainer()
        .addNewContainer().withName("main").withNewResources()
        .withLimits(Map.of(Keys.RESOURCE_GPU, new Quantity("2"), "cpu", new Quantity("4"))).endResources().endContainer()
        .endSpec()
        .withNewStatus().withPhase(phase)
        .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime("2026-01-01T00:00:07Z").endCondition()
        .endStatus().build();
  }

  private Optional<PendingPod> view(Pod p) {
    return PodViews.of(p, "n1", r -> r.equals(Keys.RESOURCE_GPU), (pod, problem) -> problems.add(problem));
  }

  @Test
  void aPendingPodBoundHereGivesItsAsksInContainerOrderAndItsBindTime() {
    PendingPod v = view(pod("n1", "Pending", GPUS)).orElseThrow();
    assertThat(v.asks()).isEqualTo(Map.of(Keys.RESOURCE_GPU,
        List.of(new PendingPod.Ask("init", 1), new PendingPod.Ask("main", 2))));
    assertThat(v.boundAt()).isEqualTo(Instant.parse("2026-01-01T00:00:07Z"));
    assertThat(v.chosen().gpus()).extracting(g -> g.uuid()).containsExactly("GPU-1", "GPU-2");
  }

  @Test
  void runningPodsPodsOfOtherNodesAndPodsWithoutAChoiceAreNotCandidates() {
    assertThat(view(pod("n1", "Running", GPUS))).isEmpty();
    assertThat(view(pod("n2", "Pending", GPUS))).isEmpty();
    assertThat(view(pod("n1", "Pending", null))).isEmpty();
    assertThat(view(pod("n1", "Pending", GPUS.replace("\"n1\"", "\"n2\"")))).isEmpty();
    assertThat(problems).isEmpty();
  }

  @Test
  void aBadAnnotationIsReportedWithTheFieldAndThePodSkipped() {
    assertThat(view(pod("n1", "Pending", "{\"v\":1,\"node\":\"n1\",\"gpus\":[{\"index\":-1}]}"))).isEmpty();
    assertThat(problems).containsExactly("topogpu.io/gpus: gpus[0].index: must be >= 0, got -1");
  }
}
