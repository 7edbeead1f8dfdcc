package io.topogpu.scheduler.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The node-level constraint is decoded once, with the levels, and cannot disagree with them. */
class PlacementTest {

  @Test
  void linkConstraintFollowsTheRequiredLevelNotThePreferredOne() {
    assertThat(Placement.of("NVLink", null).linkConstraint()).isEqualTo(LinkConstraint.NVLINK);
    assertThat(Placement.of(" numa ", "nvlink").linkConstraint()).isEqualTo(LinkConstraint.NUMA);
    assertThat(Placement.of("node", null).linkConstraint()).isEqualTo(LinkConstraint.NONE);
    assertThat(Placement.of("spine", null).linkConstraint()).isEqualTo(LinkConstraint.NONE);
    assertThat(Placement.of(null, "nvlink").linkConstraint()).isEqualTo(LinkConstraint.NONE);
    assertThat(Placement.NONE.linkConstraint()).isEqualTo(LinkConstraint.NONE);
  }

  @Test
  void aConstraintThatContradictsTheRequiredLevelIsRefused() {
    assertThatThrownBy(() -> new Placement(Optional.of("nvlink"), Optional.empty(), LinkConstraint.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("linkConstraint: must be NVLINK for required level nvlink, got NONE");
  }

  @Test
  void aBadLevelIsNamed() {
    assertThatThrownBy(() -> Placement.of("NV link", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("placement level must be nvlink, numa, node or a tier name, got 'NV link'");
  }
}
