package io.topogpu.benchmarks.fgd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Writes the experiment's files into the output folder:
 * <ul>
 *   <li>{@code runs.csv}: one row per run (arrivals = placed + failed, allocation/unallocated at 100 and 130,
 *       fragmentation amount and rate at 100);
 *   <li>{@code curves.csv}: the allocation curve of every run in the published wide format (columns 0..130);
 *   <li>{@code summary.csv} and {@code summary.md}: ours vs published per (workload, policy), see {@link FgdSummary}.
 * </ul>
 */
public final class FgdReport {
  private FgdReport() {}

  public static void write(Path outDir, List<RunResult> results, List<FgdSummary> summary) {
    try {
      Files.createDirectories(outDir);
      Files.write(outDir.resolve("runs.csv"), runsCsv(results));
      Files.write(outDir.resolve("curves.csv"), curvesCsv(results));
      Files.write(outDir.resolve("summary.csv"), summaryCsv(summary));
      Files.writeString(outDir.resolve("summary.md"), markdownOf(summary));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write results to " + outDir, e);
    }
  }

  static List<String> runsCsv(List<RunResult> results) {
    List<String> lines = new ArrayList<>();
    lines.add("workload,policy,seed,total_gpus,arrivals,placed,failed,alloc_pct_at_100,unalloc_pct_at_100,"
        + "alloc_pct_at_130,frag_amount_pct_at_100,frag_ratio_pct_at_100");
    for (RunResult r : results) {
      Curves c = r.curves();
      lines.add(String.join(",", r.workload(), r.policy(), Long.toString(r.seed()), Integer.toString(r.totalGpus()),
          Integer.toString(r.arrivals()), Integer.toString(r.placed()), Integer.toString(r.failed()),
          num(c.allocation()[100]), num(r.unallocatedAt100()), num(c.allocation()[130]), num(c.fragAmount()[100]),
          num(c.fragRatio()[100])));
    }
    return lines;
  }

  static List<String> curvesCsv(List<RunResult> results) {
    List<String> lines = new ArrayList<>();
    lines.add("workload,policy,seed," + IntStream.range(0, Curves.COLUMNS).mapToObj(Integer::toString)
        .collect(Collectors.joining(",")));
    for (RunResult r : results) {
      lines.add(r.workload() + "," + r.policy() + "," + r.seed() + ","
          + java.util.Arrays.stream(r.curves().allocation()).mapToObj(FgdReport::num).collect(Collectors.joining(",")));
    }
    return lines;
  }

  static List<String> summaryCsv(List<FgdSummary> summary) {
    List<String> lines = new ArrayList<>();
    lines.add("workload,policy,published_policy,seeds,ours_unalloc_mean,ours_unalloc_sd,published_unalloc_mean,"
        + "published_unalloc_sd,difference");
    for (FgdSummary s : summary) {
      lines.add(String.join(",", s.workload(), s.policy(), FgdPolicies.require(s.policy()).publishedLabel(),
          Integer.toString(s.ours().n()), num(s.ours().mean()), num(s.ours().sd()),
          s.published().map(p -> num(p.mean())).orElse(""), s.published().map(p -> num(p.sd())).orElse(""),
          s.difference().map(FgdReport::num).orElse("")));
    }
    return lines;
  }

  /** One Markdown table per policy set: rows = workloads, cells = "ours ±sd / published (diff)". */
  public static String markdownOf(List<FgdSummary> summary) {
    Map<String, Map<String, FgdSummary>> byWorkload = new LinkedHashMap<>();
    List<String> policies = new ArrayList<>();
    for (FgdSummary s : summary) {
      byWorkload.computeIfAbsent(s.workload(), w -> new LinkedHashMap<>()).put(s.policy(), s);
      if (!policies.contains(s.policy())) {
        policies.add(s.policy());
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("Unallocated GPU % at 100 % arrived demand: ours mean ±sd / published mean (ours − published)\n\n");
    md.append("| trace | ").append(String.join(" | ", policies)).append(" |\n");
    md.append("|---|").append("---|".repeat(policies.size())).append('\n');
    double worst = 0;
    for (Map.Entry<String, Map<String, FgdSummary>> row : byWorkload.entrySet()) {
      md.append("| ").append(row.getKey()).append(" |");
      for (String p : policies) {
        FgdSummary s = row.getValue().get(p);
        md.append(' ').append(s == null ? "" : cell(s)).append(" |");
        if (s != null && s.difference().isPresent()) {
          worst = Math.max(worst, Math.abs(s.difference().get()));
        }
      }
      md.append('\n');
    }
    if (summary.stream().anyMatch(s -> s.published().isPresent())) {
      md.append("\nLargest |ours − published|: ").append(String.format(Locale.ROOT, "%.2f", worst)).append(" points\n");
    }
    return md.toString();
  }

  private static String cell(FgdSummary s) {
    String ours = String.format(Locale.ROOT, "%.2f ±%.2f", s.ours().mean(), s.ours().sd());
    Optional<String> pub = s.published().map(p -> String.format(Locale.ROOT, " / %.2f (%+.2f)", p.mean(),
        s.ours().mean() - p.mean()));
    return ours + pub.orElse("");
  }

  static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
