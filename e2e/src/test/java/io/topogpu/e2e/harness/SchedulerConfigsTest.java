package io.topogpu.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v1beta1 configuration the end-to-end tests run is the shipped v1 file, renamed where v1beta1 differs. */
class SchedulerConfigsTest {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Path SHIPPED = Repo.path("config/kube-scheduler-config.yaml");

  @Test
  @DisplayName("same extender block (verbs, weight, managed resources, timeouts) but the URL, same profile; v1beta1 names")
  void generatedFromTheShippedFile() throws Exception {
    JsonNode shipped = YAML.readTree(SHIPPED.toFile());
    JsonNode generated = YAML.readTree(SchedulerConfigs.v1beta1(SHIPPED, "http://127.0.0.1:1234/scheduler",
        Path.of("/k/config")));

    assertThat(generated.path("apiVersion").asText()).isEqualTo("kubescheduler.config.k8s.io/v1beta1");
    assertThat(generated.path("clientConnection").path("kubeconfig").asText()).isEqualTo("/k/config");
    assertThat(generated.path("healthzBindAddress").asText()).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:10251")
        .isEqualTo(generated.path("metricsBindAddress").asText());
    ObjectNode expectedExtender = (ObjectNode) shipped.path("extenders").get(0).deepCopy();
    expectedExtender.put("urlPrefix", "http://127.0.0.1:1234/scheduler");
    assertThat(generated.path("extenders")).hasSize(shipped.path("extenders").size());
    assertThat(generated.path("extenders").get(0)).isEqualTo(expectedExtender);
    assertThat(generated.path("profiles").get(0).path("schedulerName")).isEqualTo(
        shipped.path("profiles").get(0).path("schedulerName"));
    assertThat(generated.path("profiles").get(0).path("plugins").path("score").path("disabled"))
        .extracting(n -> n.path("name").asText())
        .containsExactly("NodeResourcesBalancedAllocation", "NodeResourcesLeastAllocated");
    assertThat(generated.path("leaderElection")).isEqualTo(shipped.path("leaderElection"));
  }

  @Test
  @DisplayName("without an extender URL: kube-scheduler alone, for comparisons")
  void withoutExtender() throws Exception {
    JsonNode generated = YAML.readTree(SchedulerConfigs.v1beta1(SHIPPED, null, Path.of("/k/config")));

    assertThat(generated.has("extenders")).isFalse();
    assertThat(generated.path("profiles").get(0).path("schedulerName").asText()).isEqualTo("topogpu");
  }

  @Test
  @DisplayName("a file of another apiVersion is refused, naming it")
  void otherVersionRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("old.yaml");
    Files.writeString(f, "apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n");

    assertThatThrownBy(() -> SchedulerConfigs.v1beta1(f, null, Path.of("/k")))
        .hasMessageContaining("kubescheduler.config.k8s.io/v1beta3").hasMessageContaining("expected");
  }
}
