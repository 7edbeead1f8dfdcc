package io.topogpu.topology.model;

/**
 * Membership in a multi-node NVLink domain (GB200 NVL72 and similar), from NVML's GPU fabric info.
 * Two nodes whose GPUs share {@code clusterUuid} and {@code cliqueId} reach each other over NVLink;
 * GPU Feature Discovery publishes the same pair as the label {@code nvidia.com/gpu.clique =
 * <clusterUuid>.<cliqueId>}.
 */
public record Fabric(String clusterUuid, long cliqueId) {

  public Fabric {
    if (clusterUuid == null || clusterUuid.isBlank()) {
      throw new IllegalArgumentException("fabric clusterUuid must not be empty");
    }
    if (cliqueId < 0) {
      throw new IllegalArgumentException("fabric cliqueId must be >= 0, got " + cliqueId);
    }
  }

  /** The value GPU Feature Discovery writes to {@code nvidia.com/gpu.clique}. */
  public String cliqueLabel() {
    return clusterUuid + "." + cliqueId;
  }
}
