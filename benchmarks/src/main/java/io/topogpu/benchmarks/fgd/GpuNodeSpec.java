package io.topogpu.benchmarks.fgd;

/**
 * One row of the openb GPU-node list: {@code gpus} GPUs of 1000 milli each, all of {@code model}.
 * Invariants: positive CPU and memory, 0..8 GPUs.
 */
public record GpuNodeSpec(String sn, long cpuMilli, long memoryMib, int gpus, String model) {
  public GpuNodeSpec {
    if (cpuMilli <= 0 || memoryMib <= 0 || gpus < 0 || gpus > 8) {
      throw new IllegalArgumentException("node " + sn + ": bad capacity");
    }
  }
}
