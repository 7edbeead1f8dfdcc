package io.topogpu.benchmarks.fgd;

import java.util.Arrays;

/**
 * The mutable state of one simulated node (fgd-protocol.md §0): CPU and memory left and the unallocated
 * milli of each GPU, in index order. Only the simulator commits to it, and a commit that would
 * over-allocate anything throws, so {@code 0 ≤ left ≤ capacity} always holds. Policies read it.
 */
public final class SimNode {
  private final GpuNodeSpec spec;
  private final int modelIndex;
  private final int rank;
  private long cpuLeft;
  private long memLeft;
  private final int[] gpuLeft;

  SimNode(GpuNodeSpec spec, int modelIndex, int rank) {
    this.spec = spec;
    this.modelIndex = modelIndex;
    this.rank = rank;
    this.cpuLeft = spec.cpuMilli();
    this.memLeft = spec.memoryMib();
    this.gpuLeft = new int[spec.gpus()];
    Arrays.fill(gpuLeft, PodRequest.MILLI);
  }

  public GpuNodeSpec spec() {
    return spec;
  }

  public String model() {
    return spec.model();
  }

  public int modelIndex() {
    return modelIndex;
  }

  /** The random tie-break rank; also this node's index in the cluster's rank-ordered list. */
  public int rank() {
    return rank;
  }

  public long cpuLeft() {
    return cpuLeft;
  }

  public long memLeft() {
    return memLeft;
  }

  public int gpuCount() {
    return gpuLeft.length;
  }

  public int gpuLeft(int i) {
    return gpuLeft[i];
  }

  /** A copy of the per-GPU unallocated milli. */
  public int[] gpuLeftArray() {
    return gpuLeft.clone();
  }

  public int gpuLeftTotal() {
    int sum = 0;
    for (int g : gpuLeft) {
      sum += g;
    }
    return sum;
  }

  /** Number of GPUs with at least {@code milli} unallocated. */
  public int gpusWithAtLeast(int milli) {
    int n = 0;
    for (int g : gpuLeft) {
      if (g >= milli) {
        n++;
      }
    }
    return n;
  }

  /** The filter of fgd-protocol.md §4 step 2: CPU, memory, and for GPU pods model and enough GPUs. */
  public boolean feasible(PodRequest pod) {
    if (pod.cpuMilli() > cpuLeft || pod.memoryMib() > memLeft) {
      return false;
    }
    if (pod.cpuOnly()) {
      return true;
    }
    return gpuLeft.length > 0 && pod.allowsModel(spec.model()) && gpusWithAtLeast(pod.gpuMilli()) >= pod.gpuCount();
  }

  /** Allocates the pod with {@code pod.gpuMilli()} on each of {@code gpus}; throws if anything would go negative. */
  void commit(PodRequest pod, int[] gpus) {
    if (gpus.length != pod.gpuCount() || Arrays.stream(gpus).distinct().count() != gpus.length) {
      throw new IllegalStateException("pod " + pod.name() + " needs " + pod.gpuCount()
          + " distinct GPUs, policy gave " + Arrays.toString(gpus));
    }
    if (!feasible(pod)) {
      throw new IllegalStateException("pod " + pod.name() + " does not fit node " + spec.sn());
    }
    for (int i : gpus) {
      if (gpuLeft[i] < pod.gpuMilli()) {
        throw new IllegalStateException("pod " + pod.name() + " over-allocates GPU " + i + " of " + spec.sn());
      }
    }
    cpuLeft -= pod.cpuMilli();
    memLeft -= pod.memoryMib();
    for (int i : gpus) {
      gpuLeft[i] -= pod.gpuMilli();
    }
  }
}
