package io.topogpu.benchmarks.fgd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fluent builder of simulated nodes in a given state, for hand-worked policy examples:
 * {@code TestNodes.node("T4", 2).cpuLeft(64000).gpuLeft(500, 1000).rank(0).build()}. The state is reached
 * through the simulator's own commit, so it is always a reachable, consistent state.
 */
final class TestNodes {
  static final List<String> MODELS = List.of("A10", "G2", "P100", "T4", "V100M16", "V100M32");

  private final String model;
  private final int gpus;
  private long cpuCapacity = 64_000;
  private long cpuLeft = -1;
  private long memCapacity = 262_144;
  private int[] gpuLeft;
  private int rank;

  private TestNodes(String model, int gpus) {
    this.model = model;
    this.gpus = gpus;
    this.gpuLeft = new int[gpus];
    Arrays.fill(gpuLeft, PodRequest.MILLI);
  }

  static TestNodes node(String model, int gpus) {
    return new TestNodes(model, gpus);
  }

  TestNodes cpuCapacity(long milli) {
    this.cpuCapacity = milli;
    return this;
  }

  TestNodes cpuLeft(long milli) {
    this.cpuLeft = milli;
    return this;
  }

  TestNodes gpuLeft(int... left) {
    if (left.length != gpus) {
      throw new IllegalArgumentException("need " + gpus + " values");
    }
    this.gpuLeft = left.clone();
    return this;
  }

  TestNodes rank(int rank) {
    this.rank = rank;
    return this;
  }

  SimNode build() {
    SimNode node = new SimNode(new GpuNodeSpec("node-" + rank, cpuCapacity, memCapacity, gpus, model),
        MODELS.indexOf(model), rank);
    long used = cpuLeft < 0 ? 0 : cpuCapacity - cpuLeft;
    node.commit(new PodRequest("cpu-filler", used, 0, 0, 0, ""), new int[0]);
    for (int i = 0; i < gpus; i++) {
      int taken = PodRequest.MILLI - gpuLeft[i];
      if (taken > 0) {
        node.commit(new PodRequest("gpu-filler-" + i, 0, 0, 1, taken, ""), new int[] {i});
      }
    }
    return node;
  }

  /** Nodes listed in rank order (their index is their rank). */
  static List<SimNode> cluster(TestNodes... nodes) {
    List<SimNode> list = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      list.add(nodes[i].rank(i).build());
    }
    return list;
  }

  static PodRequest cpuPod(long cpu) {
    return new PodRequest("cpu-" + cpu, cpu, 1024, 0, 0, "");
  }

  static PodRequest gpuPod(long cpu, int count, int milli) {
    return new PodRequest("gpu-" + count + "x" + milli, cpu, 1024, count, milli, "");
  }

  static PodRequest typedPod(long cpu, int count, int milli, String gpuType) {
    return new PodRequest("typed-" + gpuType, cpu, 1024, count, milli, gpuType);
  }
}
