package io.topogpu.scheduler.gang;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.topogpu.scheduler.kube.KubeObjects;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gang examples in manifests/examples: each workload's pods, built from its pod template as
 * the workload's controller would, go to topogpu and resolve to one gang whose size is the number
 * of pods the workload starts (counted from the workload's own replica fields).
 */
class GangExamplesTest {
  private static final Path EXAMPLES = Path.of("../manifests/examples");
  private static final ObjectMapper YAML = new YAMLMapper();

  @ParameterizedTest(name = "{0}: {1} pods, gang {2}")
  @CsvSource({
      "pytorchjob-gang.yaml, 4, ml/llm-pretrain",
      "jobset-gang.yaml, 4, ml/llm-finetune",
      "indexed-job-gang.yaml, 4, ml/llm-eval"})
  void everyPodIsAMemberOfOneGangOfTheWorkloadsSize(String file, int pods, String gang) throws IOException {
    JsonNode workload = workload(file);
    List<JsonNode> templates = new ArrayList<>();
    collectPodTemplates(workload, templates);
    assertThat(templates).isNotEmpty();
    assertThat(podCount(workload)).isEqualTo(pods);

    for (JsonNode t : templates) {
      PodTemplateSpec spec = YAML.treeToValue(t, PodTemplateSpec.class);
      assertThat(spec.getSpec().getSchedulerName()).isEqualTo("topogpu");
      Pod pod = new PodBuilder().withMetadata(spec.getMetadata()).editMetadata().withName("member")
          .withNamespace(workload.at("/metadata/namespace").asText()).endMetadata()
          .withSpec(spec.getSpec()).build();
      GangResolution r = GangIdentities.withoutPodGroups().resolve(KubeObjects.toPodInfo(pod));
      assertThat(r).isInstanceOf(GangResolution.Member.class);
      GangIdentity id = ((GangResolution.Member) r).gang();
      assertThat(id.key()).isEqualTo(gang);
      assertThat(id.size()).isEqualTo(pods);
    }
  }

  private static JsonNode workload(String file) throws IOException {
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(EXAMPLES.resolve(file).toFile())) {
      for (JsonNode doc : docs.readAll()) {
        if (!doc.path("kind").asText().equals("Service")) {
          return doc;
        }
      }
    }
    throw new AssertionError(file + " has no workload");
  }

  /** Pods the workload starts, from its kind's own fields. */
  private static int podCount(JsonNode w) {
    return switch (w.path("kind").asText()) {
      case "PyTorchJob" -> {
        int n = 0;
        for (JsonNode r : w.at("/spec/pytorchReplicaSpecs")) {
          n += r.path("replicas").asInt();
        }
        yield n;
      }
      case "JobSet" -> {
        int n = 0;
        for (JsonNode r : w.at("/spec/replicatedJobs")) {
          n += r.path("replicas").asInt() * r.at("/template/spec/parallelism").asInt();
        }
        yield n;
      }
      case "Job" -> w.at("/spec/parallelism").asInt();
      default -> throw new AssertionError("unknown kind " + w.path("kind").asText());
    };
  }

  /** Every object with a pod spec ({@code template.spec.containers}). */
  private static void collectPodTemplates(JsonNode node, List<JsonNode> out) {
    if (node.has("template") && node.path("template").at("/spec/containers").isArray()) {
      out.add(node.path("template"));
      return;
    }
    node.forEach(child -> collectPodTemplates(child, out));
  }
}
