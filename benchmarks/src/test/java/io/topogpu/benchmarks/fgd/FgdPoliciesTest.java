package io.topogpu.benchmarks.fgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy table and the configuration checks done before anything runs. */
class FgdPoliciesTest {

  @Test
  void the_six_published_policies_in_paper_order_then_topogpus_own() {
    assertThat(FgdPolicies.publishedNames())
        .containsExactly("random", "dotprod", "clustering", "packing", "bestfit", "fgd");
    assertThat(FgdPolicies.names()).containsExactly("random", "dotprod", "clustering", "packing", "bestfit", "fgd",
        "fgd-gpu-only", "topogpu", "topogpu-baseline");
    assertThat(FgdPolicies.require("topogpu").publishedLabel()).isEmpty();
    assertThat(FgdPolicies.require("clustering").publishedLabel()).isEqualTo("03-GpuClustering");
  }

  @Test
  void an_unknown_policy_fails_at_configuration_with_the_known_names() {
    assertThatThrownBy(() -> new FgdExperiment.Config(Path.of("traces"), List.of("default"), List.of("tetris"),
        List.of(42L), 1.3, false, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tetris").hasMessageContaining("random, dotprod");
  }

  @Test
  void published_results_give_the_summary_table_values() {
    PublishedResults published = PublishedResults.load(Path.of("traces"));
    List<PublishedResults.Run> fgd = published.runs("default", "06-FGD").orElseThrow();
    assertThat(fgd).hasSize(10);
    double meanAlloc = fgd.stream().mapToDouble(r -> r.allocation()[100]).average().orElseThrow();
    assertThat(Math.round(meanAlloc * 100) / 100.0).isEqualTo(95.23); // traces/README.md, default / FGD
    assertThat(published.runs("default", "07-Nope")).isEmpty();
  }
}
