package io.topogpu.topology.parse;

/**
 * A {@code nvidia-smi topo -m} capture that cannot be turned into a topology. The message starts
 * with {@code line N: } and names the row, column and token at fault; {@link #line()} is that
 * 1-based line number, or 0 when the problem is not tied to one line (empty input).
 */
public class TopoParseException extends RuntimeException {
  private final int line;

  public TopoParseException(int line, String detail) {
    super(line > 0 ? "line " + line + ": " + detail : detail);
    this.line = line;
  }

  /** 1-based line of the input the problem was found on; 0 for the input as a whole. */
  public int line() {
    return line;
  }
}
