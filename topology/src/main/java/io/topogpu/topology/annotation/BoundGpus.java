package io.topogpu.topology.annotation;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The value of the pod annotation {@code topogpu.io/gpus} as the scheduler writes it at bind and the
 * node agent reads it at admission: plain data, checked field by field by {@link GpusCodec}. The
 * scheduler's own rules on combinations (ascending indices, share on one GPU) are its model's.
 *
 * @param gpus whole GPUs, or the one GPU of a share, in the order written
 * @param milli thousandths of one GPU for a share; 0 for whole GPUs and MIG
 * @param mig MIG instances, in the order written
 */
public record BoundGpus(String node, List<Gpu> gpus, int milli, List<Mig> mig, Optional<Gang> gang) {

  /** @param uuid {@code GPU-...}; empty when the scheduler's topology did not know it */
  public record Gpu(int index, String uuid) {
    public Gpu {
      uuid = Objects.requireNonNullElse(uuid, "");
    }
  }

  /** @param uuid {@code MIG-...}; empty when unknown */
  public record Mig(int gpu, String profile, int start, int size, String uuid) {
    public Mig {
      uuid = Objects.requireNonNullElse(uuid, "");
    }
  }

  public record Gang(String name, int size, Map<String, String> plan) {
    public Gang {
      plan = Map.copyOf(plan == null ? Map.of() : plan);
    }
  }

  public BoundGpus {
    Objects.requireNonNull(node, "node");
    gpus = List.copyOf(gpus);
    mig = List.copyOf(mig);
    gang = Objects.requireNonNullElse(gang, Optional.empty());
  }
}
