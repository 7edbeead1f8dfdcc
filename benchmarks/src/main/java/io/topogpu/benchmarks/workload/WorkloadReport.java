package io.topogpu.benchmarks.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Files of a workload run: {@code summary.csv} (one row per variant × policy), {@code jobs.csv} (every
 * job's outcome under every policy, default model), and the markdown tables printed to stdout.
 */
public final class WorkloadReport {
  private WorkloadReport() {}

  public static void write(Path out, String trace, List<WorkloadExperiment.Outcome> outcomes) {
    List<String> summary = new ArrayList<>();
    summary.add("trace,variant,policy,jobs,finished,partly_started,queued,never_fits,best_set_share,multi_gpu_pods,"
        + "one_leaf_share,one_spine_share,multi_pod_jobs,idle_gpu_hours,mean_wait_h,p95_wait_h,utilisation,"
        + "mean_slowdown,max_slowdown,mean_jct_h,max_holders_per_gpu");
    for (WorkloadExperiment.Outcome o : outcomes) {
      WorkloadMetrics m = o.metrics();
      summary.add(String.join(",", trace, o.variant().name(), m.policy(), str(m.jobs()), str(m.finished()),
          str(m.partlyStarted()), str(m.queued()), str(m.neverFits()), num(m.bestSetShare()), str(m.multiGpuPods()),
          num(m.oneLeafShare()), num(m.oneSpineShare()), str(m.multiPodJobs()), num(m.idleGpuHours()),
          num(m.meanWaitHours()), num(m.p95WaitHours()), num(m.utilisation()), num(m.meanSlowdown()),
          num(m.maxSlowdown()), num(meanJctHours(o.run())), str(o.run().maxHoldersPerGpu())));
    }
    List<String> jobs = new ArrayList<>();
    jobs.add("trace,policy,job,line,archetype,gpus,pods,submit_s,start_s,end_s,slowdown,nodes,leaves,spines,"
        + "multi_gpu_pods,pods_on_best_set,idle_gpu_s,status,reason");
    for (WorkloadExperiment.Outcome o : outcomes) {
      if (o.variant() != Variant.DEFAULT) {
        continue;
      }
      for (JobOutcome j : o.run().jobs()) {
        jobs.add(String.join(",", trace, o.run().policy(), j.job(), str(j.line()), j.archetype().name(), str(j.gpus()),
            str(j.pods()), num(j.submit()), num(j.start()), num(j.end()), num(j.slowdown()), str(j.nodes()),
            str(j.leaves()), str(j.spines()), str(j.multiGpuPods()), str(j.podsOnBestSet()), num(j.idleGpuSeconds()),
            j.status().name(), j.reason().replace(',', ';')));
      }
    }
    try {
      Files.createDirectories(out);
      Files.write(out.resolve("summary.csv"), summary);
      Files.write(out.resolve("jobs.csv"), jobs);
      Files.writeString(out.resolve("summary.md"), markdown(outcomes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results to " + out, e);
    }
  }

  /** Mean (end − submit) of finished jobs, hours. */
  static double meanJctHours(RunResult r) {
    return r.jobs().stream().filter(JobOutcome::finished).mapToDouble(j -> (j.end() - j.submit()) / 3600)
        .average().orElse(Double.NaN);
  }

  /** The main table (default model) and, when there are variants, the sensitivity table. */
  public static String markdown(List<WorkloadExperiment.Outcome> outcomes) {
    StringBuilder sb = new StringBuilder();
    sb.append("| policy | finished / jobs | multi-GPU pods on best set | multi-pod jobs in one leaf | in one spine "
        + "| idle GPU-h (partly started) | wait mean h | wait p95 h | GPU util | mean slowdown | max slowdown |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (WorkloadExperiment.Outcome o : outcomes) {
      if (o.variant() != Variant.DEFAULT) {
        continue;
      }
      WorkloadMetrics m = o.metrics();
      sb.append("| %s | %d / %d | %s (%d) | %s (%d) | %s | %.1f | %.2f | %.2f | %s | %.3f | %.2f |\n".formatted(
          m.policy(), m.finished(), m.jobs(), pct(m.bestSetShare()), m.multiGpuPods(), pct(m.oneLeafShare()),
          m.multiPodJobs(), pct(m.oneSpineShare()), m.idleGpuHours(), m.meanWaitHours(), m.p95WaitHours(),
          pct(m.utilisation()), m.meanSlowdown(), m.maxSlowdown()));
    }
    Map<String, List<WorkloadExperiment.Outcome>> byVariant = outcomes.stream().collect(
        Collectors.groupingBy(o -> o.variant().name(), java.util.LinkedHashMap::new, Collectors.toList()));
    if (byVariant.size() > 1) {
      sb.append("\n| model variant | mean slowdown per policy | ranking by mean slowdown (best first) "
          + "| ranking by mean JCT of finished jobs |\n|---|---|---|---|\n");
      byVariant.forEach((v, list) -> sb.append("| %s | %s | %s | %s |\n".formatted(v,
          list.stream().map(o -> o.metrics().policy() + " " + "%.3f".formatted(o.metrics().meanSlowdown()))
              .collect(Collectors.joining(", ")),
          ranking(list, o -> o.metrics().meanSlowdown()),
          ranking(list, o -> meanJctHours(o.run())))));
    }
    return sb.toString();
  }

  private static String ranking(List<WorkloadExperiment.Outcome> list,
      java.util.function.ToDoubleFunction<WorkloadExperiment.Outcome> key) {
    return list.stream().sorted(Comparator.comparingDouble(key).thenComparing(o -> o.metrics().policy()))
        .map(o -> o.metrics().policy()).collect(Collectors.joining(" < "));
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "n/a" : "%.1f%%".formatted(100 * v);
  }

  private static String str(int v) {
    return Integer.toString(v);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** Cluster description lines for the report header: shape → node count, and leaves/spines used. */
  public static String clusterLine(List<SimNode> cluster) {
    Map<String, Long> shapes = new TreeMap<>(cluster.stream().collect(
        Collectors.groupingBy(n -> n.kind().shape(), Collectors.counting())));
    long leaves = cluster.stream().map(SimNode::leaf).distinct().count();
    long spines = cluster.stream().map(SimNode::spine).distinct().count();
    int gpus = cluster.stream().mapToInt(SimNode::gpus).sum();
    return "%d nodes, %d GPUs, %d leaves under %d spines: %s".formatted(cluster.size(), gpus, leaves, spines,
        shapes.entrySet().stream().map(e -> e.getValue() + "x " + e.getKey()).collect(Collectors.joining(", ")));
  }
}
