package io.topogpu.topology.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rows of one capture, checked for shape: every GPU row present once with one cell per device
 * column and one value per affinity column. NIC rows only repeat what the GPU rows' NIC columns
 * say, so a NIC row cut short or missing is a warning, never an error.
 *
 * <p>The rows run from the header to the first non-blank line that is not a device row (legend,
 * code fence, excerpt marker); blank lines between rows are skipped. {@code NICn: device} lines
 * after the rows form the NIC legend.
 */
record Capture(
    Header header, List<Row> gpuRows, Map<String, Row> nicRows, Map<String, String> nicLegend, List<String> warnings) {

  /** Cell values {@code nvidia-smi topo -p2p} prints; a matrix of them is not a {@code topo -m} capture. */
  private static final Set<String> P2P_STATUS = Set.of("OK", "CNS", "GNS", "TNS", "NS", "DR", "U");
  private static final Pattern LEGEND = Pattern.compile("\\s*(NIC\\d+)\\s*:\\s*(\\S+)\\s*");
  private static final Pattern VALUE = Pattern.compile("N/A|\\d[\\d,-]*");

  /**
   * Reads the capture whose header is {@code h} from {@code lines} (line {@code n} is {@code
   * lines[n - 1]}) up to, not including, index {@code to}. Empty for a {@code topo -p2p} matrix.
   *
   * @throws TruncatedInputException when a GPU row is cut short or missing
   * @throws TopoParseException when a row is malformed
   */
  static Optional<Capture> read(Header h, String[] lines, int to) {
    Row[] gpuRows = new Row[h.gpuCount()];
    Map<String, Row> nicRows = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    int i = h.line();
    for (; i < to; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      Optional<Row> parsed = Row.of(i + 1, lines[i]);
      if (parsed.isEmpty()) {
        break;
      }
      Row row = parsed.get();
      if (h.trailingColumns().isEmpty() && row.values().stream().anyMatch(P2P_STATUS::contains)) {
        return Optional.empty();
      }
      if (row.isGpu()) {
        placeGpuRow(h, row, gpuRows);
      } else {
        placeNicRow(h, row, nicRows, warnings);
      }
    }
    int endLine = Math.min(i + 1, lines.length);
    List<String> missing = new ArrayList<>();
    for (int g = 0; g < gpuRows.length; g++) {
      if (gpuRows[g] == null) {
        missing.add("GPU" + g);
      }
    }
    if (!missing.isEmpty()) {
      throw new TruncatedInputException(endLine, "capture at line " + h.line() + " has "
          + (gpuRows.length - missing.size()) + " of " + gpuRows.length + " GPU rows (" + range(missing) + " missing)");
    }
    for (String unknown : h.unknownColumns()) {
      warnings.add("line " + h.line() + ": column '" + unknown + "' is not one topogpu knows (CPU"
          + " Affinity, NUMA Affinity, GPU NUMA ID); its values are not used");
    }
    List<String> missingNics = new ArrayList<>(h.nicColumns());
    missingNics.removeAll(nicRows.keySet());
    if (!missingNics.isEmpty()) {
      warnings.add("line " + endLine + ": capture at line " + h.line() + " has no row " + range(missingNics)
          + "; NIC links are taken from the GPU rows");
    }
    Map<String, String> legend = new LinkedHashMap<>();
    for (; i < to; i++) {
      Matcher m = LEGEND.matcher(lines[i]);
      if (m.matches()) {
        legend.put(m.group(1), m.group(2));
      }
    }
    return Optional.of(new Capture(h, List.of(gpuRows), nicRows, legend, warnings));
  }

  private static void placeGpuRow(Header h, Row row, Row[] gpuRows) {
    int g = row.gpuIndex();
    if (g >= h.gpuCount()) {
      throw new TopoParseException(row.line(),
          "row " + row.label() + " but the header at line " + h.line() + " has " + h.gpuCount() + " GPU columns");
    }
    if (gpuRows[g] != null) {
      throw new TopoParseException(row.line(), "row " + row.label() + " repeats line " + gpuRows[g].line());
    }
    checkCells(h, row);
    List<String> columns = h.trailingColumns();
    if (row.cells().size() < h.deviceColumns()) {
      throw new TruncatedInputException(row.line(), "row " + row.label() + " has " + row.cells().size()
          + " cells, expected " + describeColumns(h));
    }
    if (row.values().size() < columns.size()) {
      throw new TruncatedInputException(row.line(),
          "row " + row.label() + " ends before its " + columns.get(row.values().size()) + " value");
    }
    if (row.values().size() > columns.size()) {
      throw new TopoParseException(row.line(), "row " + row.label() + " has " + row.values().size()
          + " values after its cells, expected " + columns.size() + ": " + String.join(" ", row.values()));
    }
    gpuRows[g] = knownValues(h, row);
  }

  /** The row with only the values of the known affinity columns, in their order. */
  private static Row knownValues(Header h, Row row) {
    if (h.unknownColumns().isEmpty()) {
      return row;
    }
    List<String> known = new ArrayList<>();
    for (int k = 0; k < h.trailingColumns().size(); k++) {
      if (!h.unknownColumns().contains(h.trailingColumns().get(k))) {
        known.add(row.values().get(k));
      }
    }
    return new Row(row.line(), row.label(), row.cells(), known);
  }

  private static void placeNicRow(Header h, Row row, Map<String, Row> nicRows, List<String> warnings) {
    if (!h.nicColumns().contains(row.label())) {
      throw new TopoParseException(row.line(), "row " + row.label() + " is not a column of the header at line "
          + h.line() + " (NIC columns: " + String.join(" ", h.nicColumns()) + ")");
    }
    if (nicRows.containsKey(row.label())) {
      throw new TopoParseException(row.line(), "row " + row.label() + " repeats line " + nicRows.get(row.label()).line());
    }
    checkCells(h, row);
    if (!row.values().isEmpty()) {
      throw new TopoParseException(row.line(), "row " + row.label() + " has unexpected values after its cells: "
          + String.join(" ", row.values()));
    }
    if (row.cells().size() < h.deviceColumns()) {
      warnings.add("line " + row.line() + ": row " + row.label() + " has " + row.cells().size() + " of "
          + h.deviceColumns() + " cells (input truncated?); NIC links are taken from the GPU rows");
    }
    nicRows.put(row.label(), row);
  }

  /** Rejects rows with more cells than columns and tokens that are neither cells nor values. */
  private static void checkCells(Header h, Row row) {
    int n = row.cells().size();
    if (n > h.deviceColumns()) {
      throw new TopoParseException(row.line(), "row " + row.label() + " has " + n + " cells, expected " + describeColumns(h));
    }
    boolean gpuRowValue = row.isGpu() && !row.values().isEmpty() && VALUE.matcher(row.values().get(0)).matches();
    if (n < h.deviceColumns() && !row.values().isEmpty() && !gpuRowValue) {
      throw new TopoParseException(row.line(), "row " + row.label() + ", column " + h.columnName(n)
          + ": unknown cell '" + row.values().get(0) + "' (expected X, NV<n>, PIX, PXB, PHB, NODE or SYS)");
    }
  }

  private static String describeColumns(Header h) {
    return h.nicColumns().isEmpty()
        ? h.gpuCount() + " GPU columns"
        : h.deviceColumns() + " = " + h.gpuCount() + " GPU + " + h.nicColumns().size() + " NIC columns";
  }

  private static String range(List<String> names) {
    return names.size() <= 3 ? String.join(", ", names) : names.get(0) + ".." + names.get(names.size() - 1);
  }
}
