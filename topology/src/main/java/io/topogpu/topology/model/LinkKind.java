package io.topogpu.topology.model;

import java.util.Locale;

/**
 * How two devices on one node reach each other, ordered from best to worst as {@code nvidia-smi topo
 * -m} reports them. {@link #ordinal()} is the order: a smaller ordinal is a better path.
 *
 * <p>Nominal bandwidths are unidirectional GB/s per pair and are used only for scoring. PCIe values
 * follow NCCL's topology model (NCCL 2.30 {@code src/graph/topo.h}: Gen4 x16 = 24 GB/s, the
 * inter-CPU hop about 10 GB/s on current parts), with a small step between classes so the order is
 * strict. NVLink bandwidth is not a constant of the class: it is link count × per-link bandwidth of
 * the GPU generation, see {@link NvlinkGeneration}.
 */
public enum LinkKind {
  /** Bonded NVLinks, direct or through an NVSwitch fabric ({@code NV#}). */
  NVLINK("NV", 0),
  /** At most one PCIe bridge ({@code PIX}). */
  PIX("PIX", 24),
  /** Several PCIe bridges, no host bridge ({@code PXB}). */
  PXB("PXB", 22),
  /** Through a PCIe host bridge, typically the CPU ({@code PHB}). */
  PHB("PHB", 20),
  /** Between host bridges inside one NUMA node ({@code NODE}). */
  NODE("NODE", 16),
  /** Across the SMP interconnect between NUMA nodes ({@code SYS}). */
  SYS("SYS", 10);

  private final String label;
  private final double nominalGbps;

  LinkKind(String label, double nominalGbps) {
    this.label = label;
    this.nominalGbps = nominalGbps;
  }

  /** The token {@code nvidia-smi topo -m} prints for this class ({@code NV} for NVLink). */
  public String label() {
    return label;
  }

  /** Nominal bandwidth of a PCIe class in GB/s; 0 for {@link #NVLINK}, which depends on links. */
  public double nominalGbps() {
    return nominalGbps;
  }

  public boolean isNvlink() {
    return this == NVLINK;
  }

  /** True when this path is at least as good as {@code other}. */
  public boolean atLeast(LinkKind other) {
    return ordinal() <= other.ordinal();
  }

  /** Parses a PCIe class token ({@code PIX}, {@code sys}, ...); NVLink tokens are not accepted. */
  public static LinkKind ofPcieLabel(String token) {
    String t = token.trim().toUpperCase(Locale.ROOT);
    for (LinkKind k : values()) {
      if (k != NVLINK && k.label.equals(t)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown link class '" + token + "'");
  }
}
