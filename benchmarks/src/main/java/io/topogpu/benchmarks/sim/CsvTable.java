package io.topogpu.benchmarks.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A header-first CSV file of plain cells (no quoting: the trace files never quote), read whole. Every row
 * must have exactly as many cells as the header; typed accessors report bad cells as
 * {@link TraceFormatException} naming file, line, column and value.
 */
public final class CsvTable {
  private final Path file;
  private final List<String> header;
  private final Map<String, Integer> columnIndex = new HashMap<>();
  private final List<Row> rows;

  private CsvTable(Path file, List<String> header, List<String[]> cells) {
    this.file = file;
    this.header = List.copyOf(header);
    for (int i = 0; i < header.size(); i++) {
      columnIndex.put(header.get(i), i);
    }
    List<Row> built = new ArrayList<>(cells.size());
    for (int i = 0; i < cells.size(); i++) {
      built.add(new Row(i + 2, cells.get(i)));
    }
    this.rows = List.copyOf(built);
  }

  /** Reads {@code file}; blank lines are errors too, except a single trailing newline. */
  public static CsvTable read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace file " + file, e);
    }
    if (lines.isEmpty()) {
      throw new TraceFormatException(file, 1, "<header>", "", "file is empty");
    }
    List<String> header = List.of(lines.get(0).split(",", -1));
    List<String[]> rows = new ArrayList<>(lines.size());
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",", -1);
      int lineNo = i + 1;
      if (cells.length != header.size()) {
        throw new TraceFormatException(file, lineNo, "<row>", lines.get(i),
            "expected %d cells as in the header, found %d".formatted(header.size(), cells.length));
      }
      rows.add(cells);
    }
    return new CsvTable(file, header, rows);
  }

  public Path file() {
    return file;
  }

  public List<String> header() {
    return header;
  }

  public List<Row> rows() {
    return rows;
  }

  public boolean hasColumn(String name) {
    return columnIndex.containsKey(name);
  }

  /** Fails unless every named column is in the header. */
  public void requireColumns(List<String> names) {
    for (String name : names) {
      if (!hasColumn(name)) {
        throw new TraceFormatException(file, 1, name, String.join(",", header), "missing column");
      }
    }
  }

  /** One data row; {@code line} is its 1-based line in the file. */
  public final class Row {
    private final int line;
    private final String[] cells;

    private Row(int line, String[] cells) {
      this.line = line;
      this.cells = cells;
    }

    public int line() {
      return line;
    }

    /** The raw cell, or "" if the column is absent from this file. */
    public String text(String column) {
      Integer i = columnIndex.get(column);
      return i == null ? "" : cells[i];
    }

    /** A non-empty cell. */
    public String requiredText(String column) {
      String v = text(column);
      if (v.isEmpty()) {
        throw error(column, v, "must not be empty");
      }
      return v;
    }

    /** An integer cell within [min, max]. */
    public long integer(String column, long min, long max) {
      String v = text(column);
      long parsed;
      try {
        parsed = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw error(column, v, "not an integer");
      }
      if (parsed < min || parsed > max) {
        throw error(column, v, "out of range [%d, %d]".formatted(min, max));
      }
      return parsed;
    }

    /** A decimal cell. */
    public double decimal(String column) {
      String v = text(column);
      try {
        return Double.parseDouble(v.trim());
      } catch (NumberFormatException e) {
        throw error(column, v, "not a number");
      }
    }

    public TraceFormatException error(String column, String value, String problem) {
      return new TraceFormatException(file, line, column, value, problem);
    }
  }
}
