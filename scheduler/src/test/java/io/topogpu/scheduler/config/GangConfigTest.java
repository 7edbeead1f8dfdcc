package io.topogpu.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.gang.GangSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The {@code gangs} section of the policy file. */
class GangConfigTest {

  @Test
  @DisplayName("the shipped config/policy.yaml spells out the defaults")
  void shippedFileIsTheDefaults() {
    Path root = Path.of("").toAbsolutePath().getParent();
    GangConfig c = PolicyLoader.loadGangs(root.resolve("config/policy.yaml"));
    assertThat(c.settings()).isEqualTo(GangSettings.DEFAULTS);
    assertThat(c.tiers().names()).isEqualTo(GangConfig.DEFAULTS.tiers().names());
    assertThat(c.extenderHttpTimeout()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  @DisplayName("no gangs section: defaults; the placement policy ignores the section")
  void absentSectionIsDefaults() {
    assertThat(PolicyLoader.loadGangs("p.yaml", "preset: binpack\n")).isEqualTo(GangConfig.DEFAULTS);
    assertThat(PolicyLoader.load("p.yaml", "gangs:\n  bindTimeoutSeconds: 5\n").preset())
        .isEqualTo(PolicyLoader.load("p.yaml", "").preset());
  }

  @Test
  @DisplayName("timeouts in seconds and a subset of tiers, in the order given")
  void valuesAreRead() {
    GangConfig c = PolicyLoader.loadGangs("p.yaml",
        "gangs:\n  bindTimeoutSeconds: 10\n  planTimeoutSeconds: 30\n  starvationAfterSeconds: 120\n"
            + "  extenderHttpTimeoutSeconds: 20\n  tiers: [leaf, spine]\n");
    assertThat(c.settings()).isEqualTo(
        new GangSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(120)));
    assertThat(c.tiers().names()).containsExactly("leaf", "spine");
    assertThat(c.extenderHttpTimeout()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  @DisplayName("bind timeout plus the timer's period at or above httpTimeout: refused, naming both")
  void bindTimeoutMustStayBelowHttpTimeout() {
    assertThatThrownBy(() -> PolicyLoader.loadGangs("p.yaml",
        "gangs:\n  bindTimeoutSeconds: 59\n  extenderHttpTimeoutSeconds: 60\n", Duration.ofSeconds(1)))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("p.yaml: gangs.bindTimeoutSeconds: 59")
        .hasMessageContaining("extenderHttpTimeoutSeconds 60");
    assertThat(PolicyLoader.loadGangs("p.yaml",
        "gangs:\n  bindTimeoutSeconds: 58\n  extenderHttpTimeoutSeconds: 60\n", Duration.ofSeconds(1))
        .settings().bindTimeout()).isEqualTo(Duration.ofSeconds(58));
  }

  @Test
  @DisplayName("bad values name the field and the value")
  void badValues() {
    assertThatThrownBy(() -> PolicyLoader.loadGangs("p.yaml", "gangs:\n  planTimeoutSeconds: 0\n"))
        .hasMessage("p.yaml: gangs.planTimeoutSeconds: must be a positive number of seconds, got 0");
    assertThatThrownBy(() -> PolicyLoader.loadGangs("p.yaml", "gangs:\n  tiers: [leaf, rack]\n"))
        .hasMessageStartingWith("p.yaml: gangs.tiers: unknown network tier 'rack'; valid tiers: clique,");
    assertThatThrownBy(() -> PolicyLoader.loadGangs("p.yaml", "gangs:\n  bindTimeout: 5\n"))
        .hasMessageContaining("line 3: gangs.bindTimeout: unknown field");
  }
}
