package io.topogpu.benchmarks.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Files of a workload run: {@code summary.csv} (one row per variant × seed × policy), {@code jobs.csv}
 * (every job's outcome under every policy and seed, default model), and the markdown tables printed to
 * stdout, where each cell is the mean over the seeds with the min–max range (a single value when every
 * seed gave the same).
 */
public final class WorkloadReport {
  private WorkloadReport() {}

  public static void write(Path out, String trace, List<WorkloadExperiment.Outcome> outcomes) {
    List<String> summary = new ArrayList<>();
    summary.add("trace,variant,seed,policy,jobs,finished,partly_started,queued,never_fits,best_set_share,"
        + "multi_gpu_pods,one_leaf_share,one_spine_share,multi_pod_jobs,idle_gpu_hours,mean_wait_h,p95_wait_h,"
        + "utilisation,mean_slowdown,max_slowdown,mean_jct_h,max_holders_per_gpu,large_jobs,mean_wait_large_h,"
        + "holds,held_free_gpu_hours");
    for (WorkloadExperiment.Outcome o : outcomes) {
      WorkloadMetrics m = o.metrics();
      summary.add(String.join(",", trace, o.variant().name(), Long.toString(o.seed()), m.policy(), str(m.jobs()),
          str(m.finished()), str(m.partlyStarted()), str(m.queued()), str(m.neverFits()), num(m.bestSetShare()),
          str(m.multiGpuPods()), num(m.oneLeafShare()), num(m.oneSpineShare()), str(m.multiPodJobs()),
          num(m.idleGpuHours()), num(m.meanWaitHours()), num(m.p95WaitHours()), num(m.utilisation()),
          num(m.meanSlowdown()), num(m.maxSlowdown()), num(meanJctHours(o.run())), str(o.run().maxHoldersPerGpu()),
          str(m.largeJobs()), num(m.meanWaitLargeHours()), str(m.holds()), num(m.heldFreeGpuHours())));
    }
    List<String> jobs = new ArrayList<>();
    jobs.add("trace,seed,policy,job,line,archetype,gpus,pods,submit_s,start_s,end_s,slowdown,nodes,leaves,spines,"
        + "multi_gpu_pods,pods_on_best_set,idle_gpu_s,status,reason");
    for (WorkloadExperiment.Outcome o : outcomes) {
      if (o.variant() != Variant.DEFAULT) {
        continue;
      }
      for (JobOutcome j : o.run().jobs()) {
        jobs.add(String.join(",", trace, Long.toString(o.seed()), o.run().policy(), j.job(), str(j.line()),
            j.archetype().name(), str(j.gpus()), str(j.pods()), num(j.submit()), num(j.start()), num(j.end()),
            num(j.slowdown()), str(j.nodes()), str(j.leaves()), str(j.spines()), str(j.multiGpuPods()),
            str(j.podsOnBestSet()), num(j.idleGpuSeconds()), j.status().name(), j.reason().replace(',', ';')));
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

  /**
   * The main table (default model; per policy, mean over seeds and min–max), the policies whose results
   * the seed does not change, and, when there are variants, the sensitivity table.
   */
  public static String markdown(List<WorkloadExperiment.Outcome> outcomes) {
    List<Long> seeds = outcomes.stream().map(WorkloadExperiment.Outcome::seed).distinct().toList();
    Map<String, List<WorkloadMetrics>> byPolicy = new LinkedHashMap<>();
    Map<String, List<RunResult>> runsByPolicy = new LinkedHashMap<>();
    for (WorkloadExperiment.Outcome o : outcomes) {
      if (o.variant() == Variant.DEFAULT) {
        byPolicy.computeIfAbsent(o.metrics().policy(), k -> new ArrayList<>()).add(o.metrics());
        runsByPolicy.computeIfAbsent(o.metrics().policy(), k -> new ArrayList<>()).add(o.run());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("Seeds: ").append(seeds.stream().map(String::valueOf).collect(Collectors.joining(", ")))
        .append(seeds.size() > 1 ? " (cells: mean over seeds, min–max in brackets when they differ)" : "")
        .append("\n\n");
    sb.append("| policy | finished / jobs | multi-GPU pods on best set | multi-pod jobs in one leaf | in one spine "
        + "| idle GPU-h (partly started) | wait mean h | wait p95 h | wait mean h, jobs ≥ 16 GPUs | GPU util "
        + "| mean slowdown | max slowdown | holds | GPU-h kept free by holds |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    byPolicy.forEach((policy, ms) -> {
      WorkloadMetrics first = ms.get(0);
      sb.append("| ").append(policy)
          .append(" | ").append(cell(ms, m -> m.finished(), "%.0f", 1)).append(" / ").append(first.jobs())
          .append(" | ").append(cell(ms, WorkloadMetrics::bestSetShare, "%.1f%%", 100)).append(" (")
          .append(first.multiGpuPods()).append(")")
          .append(" | ").append(cell(ms, WorkloadMetrics::oneLeafShare, "%.1f%%", 100)).append(" (")
          .append(first.multiPodJobs()).append(")")
          .append(" | ").append(cell(ms, WorkloadMetrics::oneSpineShare, "%.1f%%", 100))
          .append(" | ").append(cell(ms, WorkloadMetrics::idleGpuHours, "%.1f", 1))
          .append(" | ").append(cell(ms, WorkloadMetrics::meanWaitHours, "%.2f", 1))
          .append(" | ").append(cell(ms, WorkloadMetrics::p95WaitHours, "%.2f", 1))
          .append(" | ").append(cell(ms, WorkloadMetrics::meanWaitLargeHours, "%.1f", 1)).append(" (")
          .append(first.largeJobs()).append(")")
          .append(" | ").append(cell(ms, WorkloadMetrics::utilisation, "%.1f%%", 100))
          .append(" | ").append(cell(ms, WorkloadMetrics::meanSlowdown, "%.3f", 1))
          .append(" | ").append(cell(ms, WorkloadMetrics::maxSlowdown, "%.2f", 1))
          .append(" | ").append(cell(ms, m -> m.holds(), "%.1f", 1))
          .append(" | ").append(cell(ms, WorkloadMetrics::heldFreeGpuHours, "%.1f", 1))
          .append(" |\n");
    });
    if (seeds.size() > 1) {
      List<String> unchanged = runsByPolicy.entrySet().stream()
          .filter(e -> e.getValue().stream().map(WorkloadReport::fingerprint).distinct().count() == 1)
          .map(Map.Entry::getKey).toList();
      sb.append("\nPolicies whose every job outcome is the same under every seed: ")
          .append(unchanged.isEmpty() ? "none" : String.join(", ", unchanged)).append(".\n");
    }
    Map<String, List<WorkloadExperiment.Outcome>> byVariant = outcomes.stream().collect(
        Collectors.groupingBy(o -> o.variant().name(), LinkedHashMap::new, Collectors.toList()));
    if (byVariant.size() > 1) {
      sb.append("\n| model variant | mean slowdown per policy | ranking by mean slowdown (best first) "
          + "| ranking by mean JCT of finished jobs |\n|---|---|---|---|\n");
      byVariant.forEach((v, list) -> sb.append("| %s | %s | %s | %s |\n".formatted(v,
          perPolicy(list).entrySet().stream()
              .map(e -> e.getKey() + " " + cell(e.getValue().stream().map(WorkloadExperiment.Outcome::metrics).toList(),
                  WorkloadMetrics::meanSlowdown, "%.3f", 1))
              .collect(Collectors.joining(", ")),
          ranking(list, o -> o.metrics().meanSlowdown()),
          ranking(list, o -> meanJctHours(o.run())))));
    }
    return sb.toString();
  }

  /** Every job's start, end and status: equal fingerprints mean the seed changed nothing in the run. */
  private static List<String> fingerprint(RunResult r) {
    return r.jobs().stream().map(j -> j.job() + "@" + j.start() + "-" + j.end() + ":" + j.status()).toList();
  }

  private static Map<String, List<WorkloadExperiment.Outcome>> perPolicy(List<WorkloadExperiment.Outcome> list) {
    return list.stream().collect(
        Collectors.groupingBy(o -> o.metrics().policy(), LinkedHashMap::new, Collectors.toList()));
  }

  /** "mean" when every value is the same, else "mean (min–max)", each value × {@code scale}. */
  static String cell(List<WorkloadMetrics> ms, ToDoubleFunction<WorkloadMetrics> f, String format, double scale) {
    double[] v = ms.stream().mapToDouble(f).map(x -> x * scale).toArray();
    if (Arrays.stream(v).anyMatch(Double::isNaN)) {
      return "n/a";
    }
    double mean = Arrays.stream(v).average().orElseThrow();
    double min = Arrays.stream(v).min().orElseThrow();
    double max = Arrays.stream(v).max().orElseThrow();
    String m = String.format(Locale.ROOT, format, mean);
    if (String.format(Locale.ROOT, format, min).equals(String.format(Locale.ROOT, format, max))) {
      return m;
    }
    return m + " (" + String.format(Locale.ROOT, format, min).replace("%", "") + "–"
        + String.format(Locale.ROOT, format, max) + ")";
  }

  /**
   * Policies ordered by the seed mean of {@code key}, then how many seeds order them the same way on
   * their own ("all 3 seeds" or "k of n seeds").
   */
  private static String ranking(List<WorkloadExperiment.Outcome> list,
      ToDoubleFunction<WorkloadExperiment.Outcome> key) {
    Map<String, List<WorkloadExperiment.Outcome>> byPolicy = perPolicy(list);
    List<String> order = byPolicy.entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<String, List<WorkloadExperiment.Outcome>> e) ->
            e.getValue().stream().mapToDouble(key).average().orElse(Double.NaN)).thenComparing(Map.Entry::getKey))
        .map(Map.Entry::getKey).toList();
    Map<Long, List<WorkloadExperiment.Outcome>> bySeed = list.stream().collect(
        Collectors.groupingBy(WorkloadExperiment.Outcome::seed, LinkedHashMap::new, Collectors.toList()));
    String joined = String.join(" < ", order);
    if (bySeed.size() < 2) {
      return joined;
    }
    long agree = bySeed.values().stream().filter(runs -> runs.stream()
        .sorted(Comparator.comparingDouble(key).thenComparing(o -> o.metrics().policy()))
        .map(o -> o.metrics().policy()).toList().equals(order)).count();
    return joined + (agree == bySeed.size() ? " (all " + agree + " seeds)" : " (" + agree + " of " + bySeed.size()
        + " seeds)");
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
