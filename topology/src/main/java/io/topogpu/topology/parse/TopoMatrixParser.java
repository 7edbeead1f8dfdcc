package io.topogpu.topology.parse;

import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses {@code nvidia-smi topo -m} output, as captured by people, into a {@link NodeTopology}.
 *
 * <p>What is accepted: TAB or space separated columns; NIC columns named {@code NICn} (named by a
 * trailing {@code NICn: mlx5_n} legend) or {@code mlx5_n}; optional {@code CPU Affinity}, {@code
 * NUMA Affinity} and {@code GPU NUMA ID} columns, and other single-word value columns after the
 * devices (a condensed {@code NUMA}, a newer driver's addition), whose values are left out of the
 * model with a warning naming the column; prompt, comment, code-fence and legend lines
 * around the matrix; blank lines between rows; cells fused by a wide column ({@code NODENODE},
 * {@code NIC8NIC9}); NIC rows cut short or missing (they repeat the GPU rows' NIC columns).
 *
 * <p>Several captures in one input: every header line ({@code GPU0 GPU1 ... CPU Affinity}) starts a
 * capture. The result is the <em>last</em> complete capture; earlier truncated ones are reported in
 * {@link ParseResult#warnings()}. If the last capture is truncated, that is the error, naming the
 * line: a cut capture never becomes a smaller topology. A {@code topo -p2p} matrix (no affinity
 * columns, cells {@code OK}/{@code GNS}/...) is skipped with a warning.
 *
 * <p>What is rejected, with the line, row, column and token: no header (a header is never guessed),
 * unknown cells, a GPU row with missing cells or values, an asymmetric matrix, invalid affinity
 * values. NVSwitch use is inferred from NVLink counts, see {@link TopologyAssembler}.
 *
 * <p>Not kept: {@code GPU NUMA ID} (validated, but the model has no field for it) and NIC-to-NIC
 * classes.
 */
public final class TopoMatrixParser {
  private TopoMatrixParser() {}

  /** The topology of the last complete capture in {@code text}; warnings are dropped. */
  public static NodeTopology parse(String text) {
    return parseDetailed(text).topology();
  }

  /** The topology of the last complete capture in {@code text}, plus what was tolerated. */
  public static ParseResult parseDetailed(String text) {
    String[] lines = text.split("\\R");
    List<Header> headers = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      Header.recognise(i + 1, lines[i]).ifPresent(headers::add);
    }
    if (headers.isEmpty()) {
      throw noHeader(text, lines);
    }
    List<String> warnings = new ArrayList<>();
    Capture chosen = null;
    TruncatedInputException lastTruncation = null;
    Header truncatedHeader = null;
    for (int k = 0; k < headers.size(); k++) {
      Header h = headers.get(k);
      int to = k + 1 < headers.size() ? headers.get(k + 1).line() - 1 : lines.length;
      try {
        Optional<Capture> capture = Capture.read(h, lines, to);
        if (capture.isEmpty()) {
          warnings.add("line " + h.line() + ": skipped an nvidia-smi topo -p2p matrix (its cells are P2P status, not link classes)");
          continue;
        }
        if (lastTruncation != null) {
          warnings.add(truncatedWarning(truncatedHeader, lastTruncation, h));
          lastTruncation = null;
        } else if (chosen != null) {
          warnings.add("line " + h.line() + ": a later capture replaces the complete capture at line " + chosen.header().line());
        }
        chosen = capture.get();
      } catch (TruncatedInputException e) {
        if (lastTruncation != null) {
          warnings.add(truncatedWarning(truncatedHeader, lastTruncation, h));
        }
        lastTruncation = e;
        truncatedHeader = h;
        chosen = null;
      }
    }
    if (lastTruncation != null) {
      throw lastTruncation;
    }
    if (chosen == null) {
      throw new TopoParseException(headers.get(0).line(), "no nvidia-smi topo -m matrix: the only matrix is a topo -p2p one");
    }
    List<String> captureWarnings = new ArrayList<>(chosen.warnings());
    NodeTopology topology = TopologyAssembler.assemble(chosen, captureWarnings);
    warnings.addAll(captureWarnings);
    return new ParseResult(topology, warnings);
  }

  private static String truncatedWarning(Header truncated, TruncatedInputException e, Header next) {
    return "capture at line " + truncated.line() + " is truncated at line " + e.line() + " (" + e.detail()
        + "); skipped for the capture at line " + next.line();
  }

  private static TopoParseException noHeader(String text, String[] lines) {
    if (text.isBlank()) {
      return new TopoParseException(0, "empty input: expected nvidia-smi topo -m output");
    }
    for (int i = 0; i < lines.length; i++) {
      if (Row.of(i + 1, lines[i]).filter(r -> r.label().equals("GPU0") && !r.cells().isEmpty()).isPresent()) {
        return new TopoParseException(i + 1,
            "row GPU0 has no header line before it (GPU0 GPU1 ... CPU Affinity); the columns cannot be known");
      }
    }
    return new TopoParseException(0,
        "no nvidia-smi topo -m matrix found: expected a header line of columns starting with GPU0");
  }
}
