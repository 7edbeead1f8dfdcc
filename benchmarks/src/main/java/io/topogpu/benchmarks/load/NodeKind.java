package io.topogpu.benchmarks.load;

import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.ArrayList;
import java.util.List;

/**
 * One kind of node in a synthetic cluster: a real shipped shape ({@link Shapes}), optionally with
 * some GPUs in MIG mode, and its share of the cluster.
 *
 * <p>The mix ({@link #MIX}) is a GPU fleet as a cloud provider or a large enterprise runs it:
 * mostly 8-GPU NVLink/NVSwitch servers (A100 and H100), a PCIe tier (L40S, A100 PCIe pairs), a few
 * small H100 and GB200 trays, and A100 servers whose first four GPUs are partitioned with MIG for
 * inference. Weights are percent of nodes and sum to 100.
 *
 * @param migGpus how many GPUs, from index 0, are in MIG mode with {@link #balancedLayout}
 */
record NodeKind(String name, String shape, int weightPercent, int migGpus) {

  static final List<NodeKind> MIX = List.of(
      new NodeKind("a100-sxm", "dgx-a100-8gpu-nv12", 20, 0),
      new NodeKind("h100-sxm", "hgx-h100-8gpu-nv18-pix-nics", 20, 0),
      new NodeKind("h100-dgx", "dgx-h100-8gpu-nv18", 10, 0),
      new NodeKind("l40s", "l40s-8gpu-pcie-node-sys", 15, 0),
      new NodeKind("a100-pcie", "azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs", 10, 0),
      new NodeKind("h100-4", "hgx-h100-4gpu-nv6", 5, 0),
      new NodeKind("gb200-tray", "gb200-nvl-4gpu-tray", 5, 0),
      new NodeKind("a100-mig", "dgx-a100-8gpu-nv12", 15, 4));

  /** The kind's topology; MIG GPUs get instance UUIDs derived from {@code node} so they are unique. */
  NodeTopology topology(NodeTopology base, String node) {
    if (migGpus == 0) {
      return base;
    }
    List<Gpu> gpus = new ArrayList<>(base.gpus());
    for (int g = 0; g < migGpus; g++) {
      gpus.set(g, gpus.get(g).withMig(balancedLayout(node + "-" + g)));
    }
    return base.withGpus(gpus);
  }

  /**
   * mig-parted's {@code all-balanced} layout of an A100-80GB: 2g.20gb at slice 0, two 1g.10gb at
   * slices 2 and 3, 3g.40gb at slice 4 (the layout of the shipped mixed-placements capture).
   */
  static MigState balancedLayout(String id) {
    return new MigState(true, 8, List.of(
        new MigInstance("2g.20gb", 0, 2, 19968, "MIG-" + id + "-0", 3),
        new MigInstance("1g.10gb", 2, 1, 9728, "MIG-" + id + "-2", 9),
        new MigInstance("1g.10gb", 3, 1, 9728, "MIG-" + id + "-3", 10),
        new MigInstance("3g.40gb", 4, 4, 40192, "MIG-" + id + "-4", 2)));
  }

  /** MIG profiles of {@link #balancedLayout}, for occupancy pods. */
  static final List<String> MIG_PROFILES = List.of("1g.10gb", "2g.20gb", "3g.40gb");
}
