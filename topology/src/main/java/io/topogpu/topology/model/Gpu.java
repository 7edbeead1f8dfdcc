package io.topogpu.topology.model;

import java.util.Objects;

/**
 * One physical GPU of a node.
 *
 * @param index the GPU's index as NVML and {@code nvidia-smi} number it (0-based, dense)
 * @param uuid {@code GPU-...} UUID; empty when the source does not know it (a {@code topo -m} file)
 * @param model marketing name, e.g. {@code NVIDIA A100-SXM4-80GB}; empty when unknown
 * @param memoryMiB total framebuffer memory in MiB; 0 when unknown
 * @param pciBusId PCI bus id {@code 00000000:07:00.0}; empty when unknown
 * @param numaNode the NUMA node the GPU is attached to, -1 when unknown
 * @param cpuAffinity cpulist of the CPUs close to the GPU ({@code 0-47,96-143}); empty when unknown
 * @param health whether the GPU may be placed on
 * @param mig MIG mode and instances; {@link MigState#DISABLED} for a whole GPU
 * @param healthReason why the GPU is unhealthy, e.g. {@code xid-79} or {@code lost}, comma-separated
 *     when several; empty when healthy or when the source does not say
 */
public record Gpu(
    int index,
    String uuid,
    String model,
    long memoryMiB,
    String pciBusId,
    int numaNode,
    String cpuAffinity,
    Health health,
    MigState mig,
    String healthReason) {

  public Gpu {
    if (index < 0) {
      throw new IllegalArgumentException("gpu index must be >= 0, got " + index);
    }
    if (memoryMiB < 0) {
      throw new IllegalArgumentException("gpu " + index + " memoryMiB must be >= 0, got " + memoryMiB);
    }
    if (numaNode < -1) {
      throw new IllegalArgumentException("gpu " + index + " numaNode must be >= -1, got " + numaNode);
    }
    uuid = Objects.requireNonNullElse(uuid, "");
    model = Objects.requireNonNullElse(model, "");
    pciBusId = Objects.requireNonNullElse(pciBusId, "");
    cpuAffinity = Objects.requireNonNullElse(cpuAffinity, "");
    health = Objects.requireNonNullElse(health, Health.HEALTHY);
    mig = Objects.requireNonNullElse(mig, MigState.DISABLED);
    healthReason = health == Health.HEALTHY ? "" : Objects.requireNonNullElse(healthReason, "");
  }

  /** A GPU without a health reason (healthy, or unhealthy for a reason the source does not give). */
  public Gpu(int index, String uuid, String model, long memoryMiB, String pciBusId, int numaNode,
      String cpuAffinity, Health health, MigState mig) {
    this(index, uuid, model, memoryMiB, pciBusId, numaNode, cpuAffinity, health, mig, "");
  }

  /** A GPU known only by its index, as a {@code topo -m} capture describes it. */
  public static Gpu ofIndex(int index) {
    return new Gpu(index, "", "", 0, "", -1, "", Health.HEALTHY, MigState.DISABLED);
  }

  public boolean healthy() {
    return health == Health.HEALTHY;
  }

  public Gpu withNuma(int numa, String affinity) {
    return new Gpu(index, uuid, model, memoryMiB, pciBusId, numa, affinity, health, mig, healthReason);
  }

  public Gpu withMig(MigState state) {
    return new Gpu(index, uuid, model, memoryMiB, pciBusId, numaNode, cpuAffinity, health, state, healthReason);
  }

  public Gpu withHealth(Health h) {
    return new Gpu(index, uuid, model, memoryMiB, pciBusId, numaNode, cpuAffinity, h, mig, "");
  }

  /** Unhealthy for {@code reason}. */
  public Gpu unhealthy(String reason) {
    return new Gpu(index, uuid, model, memoryMiB, pciBusId, numaNode, cpuAffinity, Health.UNHEALTHY, mig, reason);
  }
}
