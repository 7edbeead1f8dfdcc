package io.topogpu.topology.model;

/**
 * The path between two devices of one node.
 *
 * @param kind the class of the path
 * @param nvlinks number of bonded NVLinks when {@code kind} is {@link LinkKind#NVLINK}, else 0
 * @param nvswitch true when the NVLinks run through an NVSwitch fabric rather than point to point
 */
public record Link(LinkKind kind, int nvlinks, boolean nvswitch) implements Comparable<Link> {

  public Link {
    if (kind == null) {
      throw new IllegalArgumentException("link kind must not be null");
    }
    if (kind == LinkKind.NVLINK && nvlinks < 1) {
      throw new IllegalArgumentException("an NVLink link needs at least one link, got " + nvlinks);
    }
    if (kind != LinkKind.NVLINK && (nvlinks != 0 || nvswitch)) {
      throw new IllegalArgumentException(kind + " link cannot carry NVLinks");
    }
  }

  public static Link pcie(LinkKind kind) {
    return new Link(kind, 0, false);
  }

  public static Link nvlink(int count) {
    return new Link(LinkKind.NVLINK, count, false);
  }

  public static Link nvswitch(int count) {
    return new Link(LinkKind.NVLINK, count, true);
  }

  public boolean isNvlink() {
    return kind == LinkKind.NVLINK;
  }

  /** Nominal unidirectional bandwidth in GB/s for GPUs of the given NVLink generation. */
  public double bandwidthGbps(NvlinkGeneration generation) {
    return isNvlink() ? nvlinks * generation.perLinkGbps() : kind.nominalGbps();
  }

  /** The token {@code nvidia-smi topo -m} prints: {@code NV12}, {@code SYS}, ... */
  public String label() {
    return isNvlink() ? "NV" + nvlinks : kind.label();
  }

  /** Better links sort first: NVLink before PCIe, more NVLinks before fewer. */
  @Override
  public int compareTo(Link o) {
    int c = Integer.compare(kind.ordinal(), o.kind.ordinal());
    return c != 0 ? c : Integer.compare(o.nvlinks, nvlinks);
  }

  @Override
  public String toString() {
    return label() + (nvswitch ? "(switch)" : "");
  }
}
