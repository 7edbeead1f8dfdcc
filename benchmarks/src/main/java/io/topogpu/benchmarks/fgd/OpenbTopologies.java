package io.topogpu.benchmarks.fgd;

import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.LinkMatrix;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.List;

/**
 * The GPU topology assumed for an openb node, which the trace does not publish (it gives only GPU
 * count and model). A documented PCIe guess by GPU count, no NVLink anywhere:
 * <ul>
 *   <li>1 or 2 GPUs: one NUMA group (node 0); the pair talks through the host bridge ({@code PHB});
 *   <li>4 or 8 GPUs (any count &gt; 2): two NUMA groups, GPUs {@code 0..n/2−1} on node 0 and the rest on
 *       node 1; {@code NODE} within a group, {@code SYS} across.
 * </ul>
 * So the scheduler's whole-GPU topology term prefers sets inside one socket, and its block-fragmentation
 * term sees two blocks of n/2 GPUs on 4- and 8-GPU nodes and one block on smaller ones.
 */
final class OpenbTopologies {
  private OpenbTopologies() {}

  static NodeTopology of(int gpuCount) {
    if (gpuCount < 1) {
      throw new IllegalArgumentException("an openb GPU node needs >= 1 GPU, got " + gpuCount);
    }
    boolean twoSockets = gpuCount > 2;
    int half = (gpuCount + 1) / 2;
    List<Gpu> gpus = new ArrayList<>();
    for (int g = 0; g < gpuCount; g++) {
      gpus.add(Gpu.ofIndex(g).withNuma(twoSockets && g >= half ? 1 : 0, ""));
    }
    Link[][] cells = new Link[gpuCount][gpuCount];
    for (int i = 0; i < gpuCount; i++) {
      for (int j = 0; j < gpuCount; j++) {
        if (i != j) {
          LinkKind kind = !twoSockets ? LinkKind.PHB : (i < half) == (j < half) ? LinkKind.NODE : LinkKind.SYS;
          cells[i][j] = Link.pcie(kind);
        }
      }
    }
    return new NodeTopology(gpus, LinkMatrix.of(cells), List.of(), null);
  }
}
