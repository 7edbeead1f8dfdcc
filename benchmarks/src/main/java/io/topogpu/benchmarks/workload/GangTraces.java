package io.topogpu.benchmarks.workload;

import io.topogpu.benchmarks.sim.CsvTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gang traces the workload benchmark knows, by name, and their readers. Files live under
 * {@code benchmarks/traces/gang-jobs/} (sources and licences in {@code benchmarks/traces/README.md}).
 *
 * <ul>
 *   <li>DIR-LAB copies of Philly and Helios ({@code u_id,...,gpu_num,cpu_num,node_num,interval,run_time,...}):
 *       submit = running sum of {@code interval} in file order; pods = {@code node_num}, each with
 *       {@code gpu_num / node_num} GPUs (must divide evenly); duration = {@code run_time}.
 *   <li>Microsoft ITP ({@code job_id,submission_time,duration,num_gpu}): the trace has no worker split, so
 *       a job of g GPUs gets ⌈g/8⌉ pods, sizes as even as possible (they differ by at most one GPU).
 * </ul>
 *
 * Rows with 0 GPUs are counted in {@link GangTrace#cpuOnlyRows()}; any other bad cell is a
 * {@link io.topogpu.benchmarks.sim.TraceFormatException} naming file, line, column and value.
 */
public final class GangTraces {
  /** Largest pod the ITP split makes: the 8-GPU node the trace's authors assume. */
  static final int ITP_GPUS_PER_POD = 8;

  private record Entry(String file, String cluster, Reader reader) {}

  private interface Reader {
    GangTrace read(String name, String cluster, Path file);
  }

  private static final Map<String, Entry> TRACES = new LinkedHashMap<>();

  static {
    TRACES.put("philly", new Entry("gang-jobs/dirlab-philly-helios/philly_data_training.csv",
        ClusterProfiles.PHILLY, GangTraces::readDirlab));
    TRACES.put("helios", new Entry("gang-jobs/dirlab-philly-helios/helios_data_training.csv",
        ClusterProfiles.SPOT_MIX, GangTraces::readDirlab));
    TRACES.put("itp-cluster01", new Entry("gang-jobs/microsoft-itp-elasticflow/cluster01.csv",
        ClusterProfiles.SPOT_MIX, GangTraces::readItp));
  }

  private GangTraces() {}

  public static List<String> names() {
    return List.copyOf(TRACES.keySet());
  }

  /** Reads trace {@code name} from the traces folder; unknown names fail listing the known ones. */
  public static GangTrace load(Path tracesDir, String name) {
    Entry e = TRACES.get(name);
    if (e == null) {
      throw new IllegalArgumentException("unknown trace '" + name + "'; known traces: " + String.join(", ", names()));
    }
    return e.reader().read(name, e.cluster(), tracesDir.resolve(e.file()));
  }

  static GangTrace readDirlab(String name, String cluster, Path file) {
    CsvTable t = CsvTable.read(file);
    t.requireColumns(List.of("u_id", "gpu_num", "node_num", "interval", "run_time"));
    List<GangJob> jobs = new ArrayList<>();
    int cpuOnly = 0;
    long submit = 0;
    for (CsvTable.Row r : t.rows()) {
      String id = r.requiredText("u_id");
      submit += r.integer("interval", 0, Long.MAX_VALUE / 4);
      int gpus = (int) r.integer("gpu_num", 0, 100_000);
      int nodes = (int) r.integer("node_num", 1, 10_000);
      long duration = r.integer("run_time", 0, Long.MAX_VALUE / 4);
      if (gpus == 0) {
        cpuOnly++;
        continue;
      }
      if (gpus % nodes != 0) {
        throw r.error("gpu_num", Integer.toString(gpus), "not a multiple of node_num " + nodes);
      }
      jobs.add(GangJob.even(id, r.line(), submit, duration, gpus, nodes));
    }
    return new GangTrace(name, cluster, jobs, cpuOnly);
  }

  static GangTrace readItp(String name, String cluster, Path file) {
    CsvTable t = CsvTable.read(file);
    t.requireColumns(List.of("job_id", "submission_time", "duration", "num_gpu"));
    List<GangJob> jobs = new ArrayList<>();
    int cpuOnly = 0;
    long previous = 0;
    for (CsvTable.Row r : t.rows()) {
      String id = r.requiredText("job_id");
      long submit = r.integer("submission_time", 0, Long.MAX_VALUE / 4);
      if (submit < previous) {
        throw r.error("submission_time", Long.toString(submit), "earlier than the previous row's " + previous
            + " (rows must be in arrival order)");
      }
      previous = submit;
      long duration = r.integer("duration", 0, Long.MAX_VALUE / 4);
      int gpus = (int) r.integer("num_gpu", 0, 100_000);
      if (gpus == 0) {
        cpuOnly++;
        continue;
      }
      jobs.add(new GangJob(id, r.line(), submit, duration, itpSplit(gpus)));
    }
    return new GangTrace(name, cluster, jobs, cpuOnly);
  }

  /** ⌈g/8⌉ pods whose sizes differ by at most one: 12 → [6, 6], 20 → [7, 7, 6]. */
  static List<Integer> itpSplit(int gpus) {
    int pods = (gpus + ITP_GPUS_PER_POD - 1) / ITP_GPUS_PER_POD;
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < pods; i++) {
      out.add(gpus / pods + (i < gpus % pods ? 1 : 0));
    }
    return out;
  }
}
