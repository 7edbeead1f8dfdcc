package io.topogpu.topology.shapes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.topology.parse.TopoMatrixParser;
import io.topogpu.topology.parse.TopoParseException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ShapesTest {

  /** File names shipped beside {@link Shapes}, without {@code .txt}. */
  private static List<String> shippedFiles() throws IOException, URISyntaxException {
    Path dir = Path.of(Shapes.class.getResource("dgx-a100-8gpu-nv12.txt").toURI()).getParent();
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".txt"))
          .map(f -> f.substring(0, f.length() - 4)).sorted().toList();
    }
  }

  @Test
  void namesAreExactlyTheShippedFilesThatHoldACompleteGpuMatrix() throws Exception {
    List<String> matrices = shippedFiles().stream()
        .filter(name -> !name.startsWith("mig-") && !name.equals("dgx2-v100-16gpu-nvswitch-nv6"))
        .toList();
    assertThat(Shapes.names()).containsExactlyElementsOf(matrices);
  }

  @Test
  void everyNamedShapeLoads() {
    for (String name : Shapes.names()) {
      assertThat(Shapes.load(name).gpuCount()).as(name).isBetween(2, 16);
    }
  }

  @Test
  void everyOtherShippedFileIsRejectedByTheParser() throws Exception {
    for (String name : shippedFiles()) {
      if (!Shapes.names().contains(name)) {
        assertThatThrownBy(() -> TopoMatrixParser.parse(Shapes.text(name))).as(name)
            .isInstanceOf(TopoParseException.class);
      }
    }
  }

  @Test
  void unknownNameListsTheKnownOnes() {
    assertThatThrownBy(() -> Shapes.load("dgx-z9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown shape 'dgx-z9000'; known shapes: asus-esc8000a-4x-rtx6000ada-pcie, ");
    assertThatThrownBy(() -> Shapes.text("../Keys")).hasMessage("no shipped capture named '../Keys'");
  }

  @Test
  void migListingsAreShippedForTheNodeAgent() {
    assertThat(Shapes.text("mig-a100-80gb-nvidia-smi-L-7x1g10gb")).contains("MIG 1g.10gb");
  }
}
