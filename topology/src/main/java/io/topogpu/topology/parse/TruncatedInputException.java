package io.topogpu.topology.parse;

/**
 * A capture that stops before its last GPU row is complete. The parser tolerates it only when a
 * complete capture follows in the same input (excerpt first, full copy after); otherwise it is the
 * error the caller sees.
 */
final class TruncatedInputException extends TopoParseException {
  private final String detail;

  TruncatedInputException(int line, String detail) {
    super(line, detail + " (input truncated?)");
    this.detail = detail;
  }

  String detail() {
    return detail;
  }
}
