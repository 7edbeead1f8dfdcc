package io.topogpu.e2e.bench;

import java.util.List;

/** The GPU counts of a benchmark's pod stream, by pod index: a fixed cycle, the same in every run. */
public enum PodMix {
  /** Every pod asks for one GPU. */
  SINGLE(List.of(1)),
  /** 1, 2, 4, 8 GPUs in turn: a quarter of the pods of each size. */
  MIXED(List.of(1, 2, 4, 8));

  private final List<Integer> cycle;

  PodMix(List<Integer> cycle) {
    this.cycle = cycle;
  }

  /** The GPUs pod {@code index} (0-based) asks for. */
  public int gpus(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("pod index must be >= 0, got " + index);
    }
    return cycle.get(index % cycle.size());
  }

  /** The GPUs the first {@code pods} pods ask for together. */
  public long totalGpus(int pods) {
    long total = 0;
    for (int i = 0; i < pods; i++) {
      total += gpus(i);
    }
    return total;
  }
}
