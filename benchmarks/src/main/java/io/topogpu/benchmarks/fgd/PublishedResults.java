package io.topogpu.benchmarks.fgd;

import io.topogpu.benchmarks.sim.CsvTable;
import io.topogpu.benchmarks.sim.TraceFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The FGD authors' per-seed allocation curves ({@code fgd-atc23-expected-results/analysis_allo_discrete.csv},
 * one row per (workload, sc_policy, seed), columns 0..130 = allocation % at that arrived %), indexed by
 * (workload file stem, published policy label).
 */
public final class PublishedResults {
  public static final String DIR = "fgd-atc23-expected-results";
  public static final String ALLOCATION_FILE = "analysis_allo_discrete.csv";

  /** One published run. */
  public record Run(long seed, double[] allocation) {}

  private final Map<String, List<Run>> runs;

  private PublishedResults(Map<String, List<Run>> runs) {
    this.runs = runs;
  }

  /** No published results: for runs that are not comparable with the paper (e.g. quick mode). */
  public static PublishedResults none() {
    return new PublishedResults(Map.of());
  }

  public static PublishedResults load(Path tracesDir) {
    Path file = tracesDir.resolve(DIR).resolve(ALLOCATION_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("published results not found: " + file);
    }
    CsvTable table = CsvTable.read(file);
    table.requireColumns(List.of("workload", "sc_policy", "seed", "0", "130"));
    Map<String, List<Run>> runs = new HashMap<>();
    for (CsvTable.Row row : table.rows()) {
      double[] alloc = new double[Curves.COLUMNS];
      for (int k = 0; k < Curves.COLUMNS; k++) {
        alloc[k] = row.decimal(Integer.toString(k));
        if (alloc[k] < 0 || alloc[k] > 100) {
          throw new TraceFormatException(file, row.line(), Integer.toString(k), row.text(Integer.toString(k)),
              "allocation % out of [0, 100]");
        }
      }
      runs.computeIfAbsent(key(row.requiredText("workload"), row.requiredText("sc_policy")), k -> new ArrayList<>())
          .add(new Run(row.integer("seed", 0, Long.MAX_VALUE), alloc));
    }
    return new PublishedResults(runs);
  }

  /** Published runs of {@code workload} (e.g. "default") under a policy's published label. */
  public Optional<List<Run>> runs(String workload, String publishedLabel) {
    return Optional.ofNullable(runs.get(key(OpenbTraces.publishedWorkloadName(workload), publishedLabel)));
  }

  private static String key(String workload, String policy) {
    return workload + "|" + policy;
  }
}
