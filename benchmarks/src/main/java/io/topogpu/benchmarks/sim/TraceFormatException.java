package io.topogpu.benchmarks.sim;

import java.nio.file.Path;

/**
 * A trace file that cannot be used as it is. The message always names the file, the 1-based line, the
 * column and the offending value, so that a bad row is reported instead of being silently dropped.
 */
public final class TraceFormatException extends RuntimeException {
  private final Path file;
  private final int line;
  private final String column;
  private final String value;

  public TraceFormatException(Path file, int line, String column, String value, String problem) {
    super("%s:%d: column '%s' value '%s': %s".formatted(file, line, column, value, problem));
    this.file = file;
    this.line = line;
    this.column = column;
    this.value = value;
  }

  public Path file() {
    return file;
  }

  public int line() {
    return line;
  }

  public String column() {
    return column;
  }

  public String value() {
    return value;
  }
}
