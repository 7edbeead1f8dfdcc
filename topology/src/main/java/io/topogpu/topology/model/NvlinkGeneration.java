package io.topogpu.topology.model;

import java.util.Locale;

/**
 * Effective per-link NVLink bandwidth by GPU generation, in unidirectional GB/s, from NCCL's
 * topology model (NCCL 2.30 {@code src/graph/topo.h}: SM70/SM80 20.0, SM86 12.0, SM90 20.6, SM100
 * 40.1). A pair joined by {@code NV12} on an A100 therefore scores 12 × 20 = 240 GB/s, close to the
 * ~230 GB/s all-reduce bus bandwidth NCCL measures on DGX A100.
 */
public enum NvlinkGeneration {
  VOLTA_AMPERE(20.0),
  AMPERE_GA10X(12.0),
  HOPPER(20.6),
  BLACKWELL(40.1);

  private final double perLinkGbps;

  NvlinkGeneration(double perLinkGbps) {
    this.perLinkGbps = perLinkGbps;
  }

  public double perLinkGbps() {
    return perLinkGbps;
  }

  /**
   * Best guess from a marketing name such as {@code NVIDIA A100-SXM4-40GB}; unknown names get the
   * Volta/Ampere figure, the most conservative of the data-centre parts.
   */
  public static NvlinkGeneration fromModel(String model) {
    String m = model == null ? "" : model.toUpperCase(Locale.ROOT);
    if (m.matches(".*\\b(GB|B)(100|200|300)\\b.*") || m.contains("BLACKWELL") || m.contains("RTX PRO 6000")) {
      return BLACKWELL;
    }
    if (m.matches(".*\\b(H100|H200|H20|H800|GH200)\\b.*")) {
      return HOPPER;
    }
    if (m.matches(".*\\b(A40|A10|A16|A2|RTX 30\\d0|RTX A\\d+)\\b.*")) {
      return AMPERE_GA10X;
    }
    return VOLTA_AMPERE;
  }
}
