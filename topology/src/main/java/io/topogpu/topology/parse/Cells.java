package io.topogpu.topology.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cell vocabulary of {@code topo -m}: {@code X} on the diagonal, a PCIe class ({@code PIX},
 * {@code PXB}, {@code PHB}, {@code NODE}, {@code SYS}) or {@code NV<n>}, n bonded NVLinks.
 */
final class Cells {
  private static final String CELL = "X|SYS|NODE|PHB|PXB|PIX|NV\\d{1,3}";
  private static final Pattern ONE = Pattern.compile(CELL);
  private static final Pattern FUSED = Pattern.compile("(?:" + CELL + ")+");

  private Cells() {}

  /**
   * The cells a whitespace-separated token holds: one, or several when a wide column fused them
   * ({@code NODENODE} = NODE, NODE; {@code PXBSYS} = PXB, SYS). Empty when the token is not made
   * of cells only. The split is unambiguous: every cell starts with an upper-case letter and only
   * {@code NV<n>} ends in digits.
   */
  static List<String> split(String token) {
    if (!FUSED.matcher(token).matches()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    Matcher m = ONE.matcher(token);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
