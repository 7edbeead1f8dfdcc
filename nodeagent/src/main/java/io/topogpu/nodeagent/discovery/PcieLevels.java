package io.topogpu.nodeagent.discovery;

import io.topogpu.topology.model.LinkKind;

/** {@code nvmlGpuTopologyLevel_t} → the link class {@code nvidia-smi topo -m} prints for it. */
final class PcieLevels {
  private PcieLevels() {}

  /**
   * INTERNAL (0, two GPUs on one board) and SINGLE (10) → PIX, MULTIPLE (20) → PXB, HOSTBRIDGE (30)
   * → PHB, NODE (40) → NODE, SYSTEM (50) → SYS.
   *
   * @throws IllegalArgumentException for a value NVML does not define
   */
  static LinkKind kind(int level) {
    return switch (level) {
      case 0, 10 -> LinkKind.PIX;
      case 20 -> LinkKind.PXB;
      case 30 -> LinkKind.PHB;
      case 40 -> LinkKind.NODE;
      case 50 -> LinkKind.SYS;
      default -> throw new IllegalArgumentException("nvmlGpuTopologyLevel_t " + level + " is not a level NVML defines");
    };
  }
}
