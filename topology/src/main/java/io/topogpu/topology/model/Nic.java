package io.topogpu.topology.model;

import java.util.List;
import java.util.Objects;

/**
 * A network interface that {@code nvidia-smi topo -m} lists beside the GPUs.
 *
 * @param name column name in the capture, {@code NIC0} or {@code mlx5_0}
 * @param device the RDMA device name when known ({@code mlx5_0}); empty otherwise
 * @param gpuLinks the PCIe class between this NIC and each GPU, indexed by GPU index
 */
public record Nic(String name, String device, List<LinkKind> gpuLinks) {

  public Nic {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("nic name must not be empty");
    }
    device = Objects.requireNonNullElse(device, "");
    gpuLinks = List.copyOf(gpuLinks);
  }
}
