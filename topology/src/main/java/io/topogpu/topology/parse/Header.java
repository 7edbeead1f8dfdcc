package io.topogpu.topology.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The column header of one {@code topo -m} capture: {@code GPU0..GPUn-1}, then NIC columns
 * ({@code NIC0..} on newer drivers, {@code mlx5_0..} on older ones), then the affinity columns.
 *
 * <p>A line is a header when its first column is {@code GPU0} and its second is another column
 * name (a matrix row has a cell there). Fused names such as {@code NIC8NIC9} are split because
 * every column name starts with a letter prefix and ends in digits.
 *
 * <p>After the device columns come value columns ({@link #trailingColumns}, in order): the known
 * affinity columns, and any other single-word name a driver prints there (a condensed {@code NUMA}
 * column, a column added by a newer driver). Unknown ones are kept only to line values up: their
 * values stay out of the model, with a warning naming the column ({@link Capture}).
 */
record Header(int line, int gpuCount, List<String> nicColumns, List<AffinityColumn> affinityColumns,
    List<String> trailingColumns) {

  /** The optional columns after the device columns, in the order drivers print them. */
  enum AffinityColumn {
    CPU_AFFINITY("CPU Affinity"),
    NUMA_AFFINITY("NUMA Affinity"),
    GPU_NUMA_ID("GPU NUMA ID");

    final String title;

    AffinityColumn(String title) {
      this.title = title;
    }
  }

  static final String DEVICE_NAME = "GPU\\d{1,4}|NIC\\d{1,4}|mlx\\d{1,2}_\\d{1,4}";
  private static final Pattern COLUMN =
      Pattern.compile("\\G\\s*(CPU Affinity|NUMA Affinity|GPU NUMA ID|" + DEVICE_NAME + "|\\S+)");
  private static final Pattern GPU = Pattern.compile("GPU(\\d{1,4})");

  Header {
    nicColumns = List.copyOf(nicColumns);
    affinityColumns = List.copyOf(affinityColumns);
    trailingColumns = List.copyOf(trailingColumns);
  }

  /** Value columns after the devices that topogpu does not know, in order. */
  List<String> unknownColumns() {
    return trailingColumns.stream().filter(t -> affinityColumn(t) == null).toList();
  }

  /** Number of matrix cells a complete row has: one per GPU and NIC column. */
  int deviceColumns() {
    return gpuCount + nicColumns.size();
  }

  /** Name of the device column at {@code index}: {@code GPU3}, {@code NIC0}, {@code mlx5_2}. */
  String columnName(int index) {
    return index < gpuCount ? "GPU" + index : nicColumns.get(index - gpuCount);
  }

  /**
   * The header described by {@code text}, or empty when the line is not a header.
   *
   * @throws TopoParseException when the line starts like a header but has columns out of order
   *     or a column name no driver prints
   */
  static Optional<Header> recognise(int line, String text) {
    List<String> names = new ArrayList<>();
    Matcher m = COLUMN.matcher(text.strip());
    while (m.find()) {
      names.add(m.group(1));
    }
    if (names.size() < 2 || !names.get(0).equals("GPU0") || !isColumnName(names.get(1))) {
      return Optional.empty();
    }
    int gpus = 0;
    List<String> nics = new ArrayList<>();
    List<AffinityColumn> affinity = new ArrayList<>();
    List<String> trailing = new ArrayList<>();
    for (String name : names) {
      Matcher gpu = GPU.matcher(name);
      AffinityColumn column = affinityColumn(name);
      if (gpu.matches() && nics.isEmpty() && trailing.isEmpty()) {
        if (Integer.parseInt(gpu.group(1)) != gpus) {
          throw new TopoParseException(line, "header column " + name + " is out of order, expected GPU" + gpus);
        }
        gpus++;
      } else if (name.matches(DEVICE_NAME) && !gpu.matches() && trailing.isEmpty()) {
        if (nics.contains(name)) {
          throw new TopoParseException(line, "header names column " + name + " twice");
        }
        nics.add(name);
      } else if (column != null && !affinity.contains(column)) {
        affinity.add(column);
        trailing.add(name);
      } else if (column == null && !name.matches(DEVICE_NAME) && gpus > 0 && !trailing.contains(name)) {
        trailing.add(name);
      } else {
        throw new TopoParseException(line, "unexpected header column '" + name + "' after "
            + String.join(" ", names.subList(0, names.indexOf(name))));
      }
    }
    return Optional.of(new Header(line, gpus, nics, affinity, trailing));
  }

  private static boolean isColumnName(String name) {
    return name.matches(DEVICE_NAME) || affinityColumn(name) != null;
  }

  private static AffinityColumn affinityColumn(String name) {
    for (AffinityColumn c : AffinityColumn.values()) {
      if (c.title.equals(name)) {
        return c;
      }
    }
    return null;
  }
}
