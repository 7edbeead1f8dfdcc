package io.topogpu.topology.annotation;

import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Cell tokens of the annotation's link rows, the vocabulary of {@code nvidia-smi topo -m} plus one
 * mark: {@code NV<n>} is {@code n} bonded NVLinks point to point, {@code NV<n>*} the same through an
 * NVSwitch, {@code PIX PXB PHB NODE SYS} the PCIe classes, {@code X} the diagonal. NIC rows use the
 * bare class labels ({@code NV} for an NVLink-attached NIC).
 */
final class LinkTokens {
  static final String DIAGONAL = "X";
  private static final String SWITCH_MARK = "*";
  private static final Pattern NVLINK = Pattern.compile("NV(\\d{1,4})(\\*?)");
  private static final Map<String, LinkKind> KIND_BY_LABEL =
      Arrays.stream(LinkKind.values()).collect(Collectors.toUnmodifiableMap(LinkKind::label, Function.identity()));
  private static final String PCIE_LABELS = Arrays.stream(LinkKind.values())
      .filter(k -> !k.isNvlink()).map(LinkKind::label).collect(Collectors.joining(", "));

  private LinkTokens() {}

  static String of(Link link) {
    return link.isNvlink() ? "NV" + link.nvlinks() + (link.nvswitch() ? SWITCH_MARK : "") : link.kind().label();
  }

  /**
   * The link a GPU-matrix cell names (never {@link #DIAGONAL}).
   *
   * @throws IllegalArgumentException naming the token when it is not a link
   */
  static Link link(String token) {
    Matcher nv = NVLINK.matcher(token);
    if (nv.matches()) {
      return new Link(LinkKind.NVLINK, Integer.parseInt(nv.group(1)), !nv.group(2).isEmpty());
    }
    LinkKind kind = KIND_BY_LABEL.get(token);
    if (kind == null || kind.isNvlink()) {
      throw new IllegalArgumentException(
          "expected NV<n>, NV<n>* or one of " + PCIE_LABELS + ", got " + Json.quote(token));
    }
    return Link.pcie(kind);
  }

  /** The class a NIC-row cell names: a {@link LinkKind#label()}. */
  static LinkKind kind(String token) {
    LinkKind kind = KIND_BY_LABEL.get(token);
    if (kind == null) {
      throw new IllegalArgumentException("expected one of NV, " + PCIE_LABELS + ", got " + Json.quote(token));
    }
    return kind;
  }
}
