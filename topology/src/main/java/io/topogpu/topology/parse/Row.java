package io.topogpu.topology.parse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One matrix row as printed: its label ({@code GPU3}, {@code NIC0}, {@code mlx5_1}), the leading
 * cells (fused cells already split) and the values after them (affinity columns on GPU rows).
 * Splitting on any run of whitespace handles both TAB output and terminal copies; the empty cells
 * TAB output leaves on NIC rows and before {@code GPU NUMA ID} simply vanish.
 */
record Row(int line, String label, List<String> cells, List<String> values) {

  Row {
    cells = List.copyOf(cells);
    values = List.copyOf(values);
  }

  /** The row on {@code text}, or empty when the line does not start with a device label. */
  static Optional<Row> of(int line, String text) {
    String[] tokens = text.strip().split("\\s+");
    if (!tokens[0].matches(Header.DEVICE_NAME)) {
      return Optional.empty();
    }
    List<String> cells = new ArrayList<>();
    int next = 1;
    for (; next < tokens.length; next++) {
      List<String> split = Cells.split(tokens[next]);
      if (split.isEmpty()) {
        break;
      }
      cells.addAll(split);
    }
    return Optional.of(new Row(line, tokens[0], cells, Arrays.asList(tokens).subList(next, tokens.length)));
  }

  boolean isGpu() {
    return label.startsWith("GPU");
  }

  int gpuIndex() {
    return Integer.parseInt(label.substring(3));
  }
}
