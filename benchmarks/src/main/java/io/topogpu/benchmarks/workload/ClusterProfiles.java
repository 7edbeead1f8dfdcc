package io.topogpu.benchmarks.workload;

import io.topogpu.benchmarks.sim.CsvTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Node mixes derived from real inventories: each inventory row (a machine) is mapped to the closest shipped
 * node shape by its GPU model and count, and the cluster keeps the inventory's proportions when scaled to
 * the simulated size. Mapping tables are below; rows that map to no training node (1-GPU inference nodes)
 * are counted and left out; a row matching no mapping fails naming file, line and value.
 */
public final class ClusterProfiles {
  /** Philly's own machine list: 8-GPU and 2-GPU PCIe servers. */
  public static final String PHILLY = "philly";
  /** The Alibaba spot-GPU 2026 inventory's multi-GPU nodes: A100/A800 and H800 HGX, undisclosed 8-GPU, 4-GPU. */
  public static final String SPOT_MIX = "spot-mix";

  static final String DGX_A100 = "dgx-a100-8gpu-nv12";
  static final String HGX_H100 = "hgx-h100-8gpu-nv18-pix-nics";
  static final String PCIE_8 = "l40s-8gpu-pcie-node-sys";
  static final String NV_PAIRS_4 = "azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs";
  static final String PCIE_2 = "puget-wrx90-2x-rtx6000ada-phb";
  /** Marks inventory rows that are not training nodes. */
  private static final String LEFT_OUT = "";

  /** Inventory rows counted per shape, in table order, plus the rows left out. */
  public record Mix(String profile, String source, Map<String, Integer> machines, int leftOut) {
    public Mix {
      machines = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(machines));
    }
  }

  private ClusterProfiles() {}

  public static Mix load(Path tracesDir, String profile) {
    return switch (profile) {
      case PHILLY -> philly(tracesDir.resolve("node-inventories/philly_cluster_machine_list.csv"));
      case SPOT_MIX -> spot(tracesDir.resolve("node-inventories/alibaba_spot_gpu_v2026_node_info_df.csv"));
      default -> throw new IllegalArgumentException("unknown cluster profile '" + profile + "'");
    };
  }

  /** {@code machineId, number of GPUs, single GPU mem}: 8 GPUs → 8-GPU PCIe server, 2 → 2-GPU PCIe server. */
  static Mix philly(Path file) {
    CsvTable t = CsvTable.read(file);
    String gpusColumn = " number of GPUs";
    t.requireColumns(List.of("machineId", gpusColumn));
    Map<String, Integer> count = new LinkedHashMap<>();
    for (CsvTable.Row r : t.rows()) {
      long gpus = r.integer(gpusColumn, 0, 64);
      String shape = switch ((int) gpus) {
        case 8 -> PCIE_8;
        case 2 -> PCIE_2;
        default -> throw r.error(gpusColumn, r.text(gpusColumn), "no shape mapped for a " + gpus + "-GPU Philly machine");
      };
      count.merge(shape, 1, Integer::sum);
    }
    return new Mix(PHILLY, file.getFileName().toString(), count, 0);
  }

  /** (gpu_model, gpu_capacity_num) → shape; 1-GPU nodes are left out. */
  static Mix spot(Path file) {
    CsvTable t = CsvTable.read(file);
    t.requireColumns(List.of("gpu_model", "gpu_capacity_num"));
    Map<String, Integer> count = new LinkedHashMap<>();
    for (String s : List.of(DGX_A100, HGX_H100, PCIE_8, NV_PAIRS_4)) {
      count.put(s, 0);
    }
    int leftOut = 0;
    for (CsvTable.Row r : t.rows()) {
      String model = r.requiredText("gpu_model");
      int gpus = (int) r.integer("gpu_capacity_num", 1, 64);
      String shape = spotShape(model, gpus);
      if (shape == null) {
        throw r.error("gpu_model", model + " x" + gpus, "no shape mapped for this GPU model and count");
      }
      if (shape.equals(LEFT_OUT)) {
        leftOut++;
      } else {
        count.merge(shape, 1, Integer::sum);
      }
    }
    return new Mix(SPOT_MIX, file.getFileName().toString(), count, leftOut);
  }

  private static String spotShape(String model, int gpus) {
    if (gpus == 1) {
      return LEFT_OUT;
    }
    return switch (model + "/" + gpus) {
      case "A100-SXM4-80GB/8", "A800-SXM4-80GB/8" -> DGX_A100;
      case "H800/8" -> HGX_H100;
      case "GPU-series-2/8", "GPU-series-1/8" -> PCIE_8;
      case "GPU-series-1/4" -> NV_PAIRS_4;
      default -> null;
    };
  }

  /**
   * {@code n} node shapes in the mix's proportions: largest-remainder rounding, at least one node of every
   * shape the inventory has (when {@code n} allows), shapes in table order.
   */
  public static List<String> scale(Mix mix, int n) {
    List<String> shapes = mix.machines().entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toList();
    int total = mix.machines().values().stream().mapToInt(Integer::intValue).sum();
    int[] take = new int[shapes.size()];
    double[] remainder = new double[shapes.size()];
    int assigned = 0;
    for (int i = 0; i < shapes.size(); i++) {
      double exact = (double) n * mix.machines().get(shapes.get(i)) / total;
      take[i] = Math.max(n >= shapes.size() ? 1 : 0, (int) Math.floor(exact));
      remainder[i] = exact - Math.floor(exact);
      assigned += take[i];
    }
    while (assigned < n) {
      int best = 0;
      for (int i = 1; i < shapes.size(); i++) {
        if (remainder[i] > remainder[best]) {
          best = i;
        }
      }
      take[best]++;
      remainder[best] = -1;
      assigned++;
    }
    while (assigned > n) {
      int largest = 0;
      for (int i = 1; i < shapes.size(); i++) {
        if (take[i] > take[largest]) {
          largest = i;
        }
      }
      take[largest]--;
      assigned--;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      for (int k = 0; k < take[i]; k++) {
        out.add(shapes.get(i));
      }
    }
    return out;
  }
}
