package io.topogpu.scheduler.model;

/**
 * What one pod asks of the GPUs of a single node. Exactly one kind per pod: whole GPUs, MIG
 * instances of one profile, or a share of one GPU. Built once at the edge from the pod's resource
 * requests (see {@code io.topogpu.scheduler.kube.PodRequests}); values are validated here.
 */
public sealed interface GpuRequest {

  /** {@code nvidia.com/gpu: count}: that many whole GPUs, exclusively. */
  record WholeGpus(int count) implements GpuRequest {
    public WholeGpus {
      if (count < 1) {
        throw new IllegalArgumentException("whole GPU count must be >= 1, got " + count);
      }
    }
  }

  /** {@code nvidia.com/mig-<profile>: count}: existing MIG instances of one profile. */
  record MigInstances(String profile, int count) implements GpuRequest {
    public MigInstances {
      if (profile == null || profile.isBlank()) {
        throw new IllegalArgumentException("MIG profile must not be empty");
      }
      if (count < 1) {
        throw new IllegalArgumentException("MIG instance count must be >= 1, got " + count);
      }
    }
  }

  /** {@code topogpu.io/gpu-milli: milli}: thousandths of one GPU, all on the same GPU. */
  record GpuShare(int milli) implements GpuRequest {
    public static final int WHOLE = 1000;

    public GpuShare {
      if (milli < 1 || milli > WHOLE) {
        throw new IllegalArgumentException("GPU share must be 1..1000 milli-GPU, got " + milli);
      }
    }
  }

  /** Short human description: {@code 4 GPUs}, {@code 2 × MIG 1g.10gb}, {@code 250 milli-GPU}. */
  default String describe() {
    if (this instanceof WholeGpus w) {
      return w.count() == 1 ? "1 GPU" : w.count() + " GPUs";
    }
    if (this instanceof MigInstances m) {
      return m.count() + " × MIG " + m.profile();
    }
    return ((GpuShare) this).milli() + " milli-GPU";
  }
}
