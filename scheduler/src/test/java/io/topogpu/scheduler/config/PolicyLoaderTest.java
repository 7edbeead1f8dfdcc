package io.topogpu.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.placement.Policy;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyLoaderTest {

  @Test
  void shippedPolicyFileIsTheDefault() {
    assertThat(PolicyLoader.load(Path.of("../config/policy.yaml"))).isEqualTo(Policy.defaults());
  }

  @Test
  void emptyFileIsTheDefault() {
    assertThat(PolicyLoader.load("policy.yaml", "")).isEqualTo(Policy.defaults());
  }

  @Test
  void weightsOverrideThePreset() {
    Policy p = PolicyLoader.load("policy.yaml", "preset: spread\nweights:\n  topology: 4\n");
    assertThat(p.preset()).isEqualTo("spread");
    assertThat(p.weights()).isEqualTo(Map.of(
        "topology", 4, "link", 1, "fragmentation", 0, "binpack", 0, "spread", 6, "preferred", 1,
        "expected-fragmentation", 0));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "preset: tight|policy.yaml: line 1: preset: unknown preset 'tight'; valid presets: binpack, spread, topology-first, workload-fit",
      "preset: spread\\nweights:\\n  topology: 101|policy.yaml: line 3: weights.topology: must be an integer 0..100, got '101'",
      "weights:\\n  binpack: -1|policy.yaml: line 2: weights.binpack: must be an integer 0..100, got '-1'",
      "weights:\\n  binpack: 1.5|policy.yaml: line 2: weights.binpack: must be an integer 0..100, got '1.5'",
      "weights:\\n  nvlink: 3|policy.yaml: line 2: weights.nvlink: unknown score term; valid terms: topology, link, fragmentation, binpack, spread, preferred, expected-fragmentation",
      "preset: binpack\\nspreading: 3|policy.yaml: line 2: spreading: unknown field; valid fields: gangs, gpuSetCacheEntries, preset, weights",
      "gpuSetCacheEntries: lots|policy.yaml: line 1: gpuSetCacheEntries: expected integer, got 'lots'",
      "gpuSetCacheEntries: -5|policy.yaml: gpuSetCacheEntries: must be >= 0, got -5",
      "weights: 3|policy.yaml: line 1: weights: expected a map of score term to weight, got '3'",
  })
  void badFilesAreRejectedNamingLineAndField(String yaml, String message) {
    assertThatThrownBy(() -> PolicyLoader.load("policy.yaml", yaml.replace("\\n", "\n")))
        .isInstanceOf(PolicyException.class)
        .hasMessage(message);
  }
}
