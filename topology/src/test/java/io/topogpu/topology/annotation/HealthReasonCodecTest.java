package io.topogpu.topology.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Health;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.testing.MakeTopology;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The optional {@code healthReason} of a GPU: written only when unhealthy, read back, ignorable. */
class HealthReasonCodecTest {

  private static NodeTopology withGpu1(Gpu replacement) {
    NodeTopology t = MakeTopology.gpus(2).nvswitch(12).build();
    List<Gpu> gpus = new ArrayList<>(t.gpus());
    gpus.set(1, replacement);
    return new NodeTopology(gpus, t.links(), t.nics(), t.fabric());
  }

  @Test
  void unhealthyGpuCarriesItsReasonThroughTheAnnotation() {
    NodeTopology t = withGpu1(MakeTopology.gpus(2).nvswitch(12).build().gpu(1).unhealthy("xid-79,nvlink-down"));
    String value = TopologyCodec.encode(t);

    assertThat(value).contains("\"health\":\"unhealthy\",\"healthReason\":\"xid-79,nvlink-down\"");
    Gpu back = TopologyCodec.decode(value).gpu(1);
    assertThat(back.health()).isEqualTo(Health.UNHEALTHY);
    assertThat(back.healthReason()).isEqualTo("xid-79,nvlink-down");
  }

  @Test
  void healthyGpuWritesNoReasonSoOldValuesKeepTheirBytes() {
    NodeTopology t = MakeTopology.gpus(2).nvswitch(12).build();
    assertThat(TopologyCodec.encode(t)).doesNotContain("healthReason").doesNotContain("health");
  }

  @Test
  void aReasonOnAHealthyGpuIsDropped() {
    Gpu g = MakeTopology.gpus(2).nvswitch(12).build().gpu(1);
    Gpu healthy = new Gpu(g.index(), g.uuid(), g.model(), g.memoryMiB(), g.pciBusId(), g.numaNode(),
        g.cpuAffinity(), Health.HEALTHY, g.mig(), "xid-79");
    assertThat(healthy.healthReason()).isEmpty();
  }

  @Test
  void unhealthyWithoutReasonStillReads() {
    NodeTopology t = withGpu1(MakeTopology.gpus(2).nvswitch(12).build().gpu(1).withHealth(Health.UNHEALTHY));
    Gpu back = TopologyCodec.decode(TopologyCodec.encode(t)).gpu(1);
    assertThat(back.healthy()).isFalse();
    assertThat(back.healthReason()).isEmpty();
  }
}
