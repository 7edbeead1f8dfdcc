package io.topogpu.topology.parse;

import io.topogpu.topology.model.NodeTopology;
import java.util.List;

/**
 * A parsed capture plus everything the parser tolerated on the way (an earlier truncated capture,
 * a cut NIC row, NICs the legend does not name). Callers show the warnings to a person; nothing
 * the parser skips is skipped silently.
 */
public record ParseResult(NodeTopology topology, List<String> warnings) {

  public ParseResult {
    warnings = List.copyOf(warnings);
  }
}
