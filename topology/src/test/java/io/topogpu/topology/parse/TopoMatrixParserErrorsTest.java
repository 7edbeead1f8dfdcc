package io.topogpu.topology.parse;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.topology.shapes.Shapes;
import org.junit.jupiter.api.Test;

/** Bad input is rejected with the line, row, column and token at fault; never a smaller topology. */
class TopoMatrixParserErrorsTest {

  private static final String HEADER = "        GPU0    GPU1    GPU2    GPU3    CPU Affinity    NUMA Affinity\n";

  @Test
  void emptyInput() {
    assertThatThrownBy(() -> TopoMatrixParser.parse(" \n\n"))
        .isInstanceOf(TopoParseException.class)
        .hasMessage("empty input: expected nvidia-smi topo -m output");
  }

  @Test
  void fileWithoutAMatrix() {
    assertThatThrownBy(() -> TopoMatrixParser.parse(Shapes.text("mig-a100-80gb-nvidia-smi-L-7x1g10gb")))
        .hasMessage("no nvidia-smi topo -m matrix found: expected a header line of columns starting with GPU0");
  }

  @Test
  void rowsWithoutAHeaderAreNotGuessed() {
    assertThatThrownBy(() -> TopoMatrixParser.parse("GPU0     X      NV2     0-7\nGPU1    NV2      X      0-7\n"))
        .hasMessage("line 1: row GPU0 has no header line before it (GPU0 GPU1 ... CPU Affinity); the columns cannot be known");
  }

  @Test
  void lastRowWithTooFewCellsIsTruncation() {
    String text = HEADER
        + "GPU0     X      NV12    SYS     SYS     0-23    0\n"
        + "GPU1    NV12     X      SYS     SYS     24-47   1\n"
        + "GPU2    SYS     SYS      X      NV12    48-71   2\n"
        + "GPU3    SYS     SYS\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .isInstanceOf(TopoParseException.class)
        .hasMessage("line 5: row GPU3 has 2 cells, expected 4 GPU columns (input truncated?)");
  }

  @Test
  void rowCutBeforeItsAffinityValuesIsTruncation() {
    String text = HEADER
        + "GPU0     X      NV12    SYS     SYS     0-23    0\n"
        + "GPU1    NV12     X      SYS     SYS     24-47\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .hasMessage("line 3: row GPU1 ends before its NUMA Affinity value (input truncated?)");
  }

  @Test
  void truncatedLastCaptureIsAnErrorEvenAfterACompleteOne() {
    String complete = "        GPU0    GPU1    CPU Affinity\nGPU0     X      NV2     0-7\nGPU1    NV2      X      0-7\n";
    String cut = "        GPU0    GPU1    CPU Affinity\nGPU0     X      NV2     0-7\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(complete + cut))
        .hasMessage("line 5: capture at line 4 has 1 of 2 GPU rows (GPU1 missing) (input truncated?)");
  }

  @Test
  void unknownCellNamesLineRowColumnAndToken() {
    String text = HEADER + "GPU0     X      NV12    NVX     SYS     0-23    0\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .hasMessage("line 2: row GPU0, column GPU2: unknown cell 'NVX' (expected X, NV<n>, PIX, PXB, PHB, NODE or SYS)");
  }

  @Test
  void asymmetricMatrixNamesBothCells() {
    String text = HEADER
        + "GPU0     X      NV12    SYS     SYS     0-23    0\n"
        + "GPU1    SYS      X      SYS     SYS     24-47   1\n"
        + "GPU2    SYS     SYS      X      NV12    48-71   2\n"
        + "GPU3    SYS     SYS     NV12     X      72-95   3\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .hasMessage("line 3: matrix is not symmetric: row GPU0, column GPU1 (line 2) is NV12 but row GPU1, column GPU0 is SYS");
  }

  @Test
  void nicRowThatContradictsTheGpuRowsIsAsymmetric() {
    String text = "        GPU0    GPU1    NIC0    CPU Affinity\n"
        + "GPU0     X      NV2     PIX     0-7\n"
        + "GPU1    NV2      X      SYS     0-7\n"
        + "NIC0    PIX     PIX      X\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .hasMessage("line 4: matrix is not symmetric: row GPU1, column NIC0 (line 3) is SYS but row NIC0, column GPU1 is PIX");
  }

  @Test
  void moreCellsThanColumns() {
    String text = "        GPU0    GPU1    CPU Affinity\nGPU0     X      NV2     SYS     0-7\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .hasMessage("line 2: row GPU0 has 3 cells, expected 2 GPU columns");
  }

  @Test
  void selfCellOffTheDiagonal() {
    String text = "        GPU0    GPU1    CPU Affinity\nGPU0    NV2      X      0-7\nGPU1    NV2      X      0-7\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .hasMessage("line 2: row GPU0, column GPU0: expected X on the diagonal, got 'NV2'");
  }

  @Test
  void nvlinkToANicIsNotAPcieClass() {
    String text = "        GPU0    GPU1    NIC0    CPU Affinity\nGPU0     X      NV2     NV2     0-7\nGPU1    NV2      X      SYS     0-7\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .hasMessage("line 2: row GPU0, column NIC0: 'NV2' is not a valid link here; a GPU-NIC path is PIX, PXB, PHB, NODE or SYS");
  }

  @Test
  void invalidNumaAffinityNamesTheColumnAndValue() {
    String text = HEADER.replace("GPU2    GPU3    ", "") + "GPU0     X      NV2     0-7     zero\nGPU1    NV2      X      0-7     0\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .hasMessage("line 2: row GPU0, column NUMA Affinity: 'zero' is not a list like 0-23,48-71 or N/A");
  }

  @Test
  void headerColumnsOutOfOrder() {
    assertThatThrownBy(() -> TopoMatrixParser.parse("        GPU0    GPU2    CPU Affinity\n"))
        .hasMessage("line 1: header column GPU2 is out of order, expected GPU1");
  }

  @Test
  void rowForAGpuTheHeaderDoesNotHave() {
    String text = "        GPU0    GPU1    CPU Affinity\nGPU0     X      NV2     0-7\nGPU1    NV2      X      0-7\nGPU2    NV2      X      0-7\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .hasMessage("line 4: row GPU2 but the header at line 1 has 2 GPU columns");
  }

  @Test
  void aDeviceColumnAfterTheValueColumnsIsNamed() {
    assertThatThrownBy(() -> TopoMatrixParser.parse("        GPU0    GPU1    CPU Affinity    NIC0\n"))
        .hasMessage("line 1: unexpected header column 'NIC0' after GPU0 GPU1 CPU Affinity");
  }

  @Test
  void absurdNvlinkCountIsAnUnknownCellNotAnOverflow() {
    String text = "        GPU0    GPU1    CPU Affinity\nGPU0     X      NV99999 0-7\nGPU1    NV99999  X     0-7\n";
    assertThatThrownBy(() -> TopoMatrixParser.parse(text))
        .hasMessage("line 2: row GPU0, column GPU1: unknown cell 'NV99999' (expected X, NV<n>, PIX, PXB, PHB, NODE or SYS)");
  }
}
