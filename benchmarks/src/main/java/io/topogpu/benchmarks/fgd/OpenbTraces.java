package io.topogpu.benchmarks.fgd;

import io.topogpu.benchmarks.sim.CsvTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the Alibaba cluster-trace-gpu-v2023 ("openb") files shipped under
 * {@code benchmarks/traces/alibaba-gpu-v2023-openb/}. Every row is validated; a bad row fails the whole
 * load with a {@link io.topogpu.benchmarks.sim.TraceFormatException} (file, line, column, value).
 *
 * <p>Pod rows become requests exactly as the authors' CSV-to-YAML step does (fgd-protocol.md §2.2): for
 * {@code num_gpu ≥ 1} the per-GPU milli is {@code gpu_milli} clipped to 1000; {@code num_gpu = 0} means no
 * GPU request whatever the other GPU columns say; timestamps, phase and qos are ignored.
 */
public final class OpenbTraces {
  public static final String DIR = "alibaba-gpu-v2023-openb";
  public static final String NODE_FILE = "openb_node_list_gpu_node.csv";
  private static final String POD_FILE_PREFIX = "openb_pod_list_";

  /** The 17 workloads the paper evaluates, in the order of its figures. */
  public static final List<String> WORKLOADS = List.of("default", "cpu050", "cpu100", "cpu200", "cpu250",
      "gpushare40", "gpushare60", "gpushare80", "gpushare100", "multigpu20", "multigpu30", "multigpu40",
      "multigpu50", "gpuspec10", "gpuspec20", "gpuspec25", "gpuspec33");

  private static final List<String> NODE_COLUMNS = List.of("sn", "cpu_milli", "memory_mib", "gpu", "model");
  private static final List<String> POD_COLUMNS =
      List.of("name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli");
  private static final long MAX_CPU_MILLI = 10_000_000;
  private static final long MAX_MEMORY_MIB = 100_000_000;

  private OpenbTraces() {}

  /** Fails unless {@code workload} is one of {@link #WORKLOADS}, naming the known ones. */
  public static String requireWorkload(String workload) {
    if (!WORKLOADS.contains(workload)) {
      throw new IllegalArgumentException(
          "unknown workload '" + workload + "'; known: " + String.join(", ", WORKLOADS));
    }
    return workload;
  }

  /** The pod file of a workload, e.g. {@code default → openb_pod_list_default.csv}. */
  public static Path podFile(Path tracesDir, String workload) {
    return tracesDir.resolve(DIR).resolve(POD_FILE_PREFIX + workload + ".csv");
  }

  /** The name the published results use for a workload, e.g. {@code openb_pod_list_default}. */
  public static String publishedWorkloadName(String workload) {
    return POD_FILE_PREFIX + workload;
  }

  public static List<GpuNodeSpec> loadNodes(Path tracesDir) {
    CsvTable table = CsvTable.read(requireFile(tracesDir.resolve(DIR).resolve(NODE_FILE)));
    table.requireColumns(NODE_COLUMNS);
    List<GpuNodeSpec> nodes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (CsvTable.Row row : table.rows()) {
      String sn = row.requiredText("sn");
      if (!names.add(sn)) {
        throw row.error("sn", sn, "duplicate node name");
      }
      int gpus = (int) row.integer("gpu", 0, 8);
      String model = row.text("model");
      if (gpus > 0 && model.isEmpty()) {
        throw row.error("model", model, "a node with GPUs needs a model");
      }
      nodes.add(new GpuNodeSpec(sn, row.integer("cpu_milli", 1, MAX_CPU_MILLI),
          row.integer("memory_mib", 1, MAX_MEMORY_MIB), gpus, model));
    }
    return List.copyOf(nodes);
  }

  /** The pods of a workload in file order. */
  public static List<PodRequest> loadPods(Path tracesDir, String workload) {
    return loadPods(requireFile(podFile(tracesDir, workload)));
  }

  public static List<PodRequest> loadPods(Path file) {
    CsvTable table = CsvTable.read(requireFile(file));
    table.requireColumns(POD_COLUMNS);
    List<PodRequest> pods = new ArrayList<>(table.rows().size());
    Set<String> names = new HashSet<>();
    for (CsvTable.Row row : table.rows()) {
      pods.add(toPod(row));
      if (!names.add(pods.get(pods.size() - 1).name())) {
        throw row.error("name", row.text("name"), "duplicate pod name");
      }
    }
    return List.copyOf(pods);
  }

  private static PodRequest toPod(CsvTable.Row row) {
    String name = row.requiredText("name");
    long cpu = row.integer("cpu_milli", 0, MAX_CPU_MILLI);
    long mem = row.integer("memory_mib", 0, MAX_MEMORY_MIB);
    int count = (int) row.integer("num_gpu", 0, 8);
    long rawMilli = row.integer("gpu_milli", 0, Long.MAX_VALUE);
    if (count == 0) {
      return new PodRequest(name, cpu, mem, 0, 0, "");
    }
    int milli = (int) Math.min(rawMilli, PodRequest.MILLI);
    if (milli == 0) {
      throw row.error("gpu_milli", row.text("gpu_milli"), "a pod with num_gpu ≥ 1 needs gpu_milli > 0");
    }
    if (count > 1 && milli < PodRequest.MILLI) {
      throw row.error("gpu_milli", row.text("gpu_milli"),
          "a pod with num_gpu = " + count + " must ask for whole GPUs (1000)");
    }
    return new PodRequest(name, cpu, mem, count, milli, PodRequest.normaliseGpuSpec(row.text("gpu_spec")));
  }

  private static Path requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("trace file not found: " + file
          + " (run from the repository root or pass --traces DIR)");
    }
    return file;
  }
}
