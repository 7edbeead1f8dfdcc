package io.topogpu.topology.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.NodeTopology;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Drivers add and rename the value columns after the GPU matrix: the parser reads the matrix and
 * the columns it knows, leaves an unknown column out of the model with a warning naming it, and
 * still rejects what is truly broken (a truncated matrix, values that do not line up).
 */
class UnknownColumnsTest {

  private static String fixture(String name) {
    try (InputStream in = UnknownColumnsTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aCondensedNumaColumnIsNamedAndLeftOutOfTheModel() {
    ParseResult r = TopoMatrixParser.parseDetailed(fixture("condensed-numa-column-4gpu.txt"));
    NodeTopology t = r.topology();

    assertThat(t.gpuCount()).isEqualTo(4);
    assertThat(t.link(0, 3)).isEqualTo(Link.nvlink(4));
    assertThat(t.nvlinkDomains()).containsExactly(List.of(0, 1, 2, 3));
    assertThat(t.nics()).hasSize(2);
    assertThat(t.gpu(2).numaNode()).isEqualTo(-1);
    assertThat(r.warnings()).containsExactly("line 5: column 'NUMA' is not one topogpu knows (CPU"
        + " Affinity, NUMA Affinity, GPU NUMA ID); its values are not used");
  }

  @Test
  void anUnknownColumnBetweenKnownOnesKeepsTheKnownValues() {
    ParseResult r = TopoMatrixParser.parseDetailed("""
                GPU0    GPU1    CPU Affinity    Power   NUMA Affinity
        GPU0     X      NV4     0-15            300     0
        GPU1    NV4      X      16-31           300     1
        """);

    assertThat(r.topology().gpu(1).cpuAffinity()).isEqualTo("16-31");
    assertThat(r.topology().gpu(1).numaNode()).isEqualTo(1);
    assertThat(r.warnings()).singleElement().asString().contains("column 'Power'");
  }

  @Test
  void aTruncatedMatrixWithAnUnknownColumnIsStillRejected() {
    String cut = fixture("condensed-numa-column-4gpu.txt").lines()
        .filter(l -> !l.startsWith("GPU3")).reduce("", (a, b) -> a + b + "\n");

    assertThatThrownBy(() -> TopoMatrixParser.parse(cut))
        .isInstanceOf(TruncatedInputException.class)
        .hasMessageContaining("has 3 of 4 GPU rows (GPU3 missing)");
  }

  @Test
  void aRowMissingTheUnknownColumnsValueIsTruncated() {
    assertThatThrownBy(() -> TopoMatrixParser.parse("""
                GPU0    GPU1    NUMA
        GPU0     X      NV4     0
        GPU1    NV4      X
        """))
        .isInstanceOf(TruncatedInputException.class)
        .hasMessageContaining("row GPU1 ends before its NUMA value");
  }
}
