package io.topogpu.benchmarks.fgd;

import io.topogpu.benchmarks.sim.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ours vs published per (workload, policy): unallocated GPU % at 100 % arrived,
 * {@code 100 − allocation[100]}, as mean ± sample sd over seeds, and {@code difference = ours − published}
 * of the means. The published side is absent for a (workload, policy) the paper did not run.
 */
public record FgdSummary(String workload, String policy, Stats ours, Optional<Stats> published) {

  public Optional<Double> difference() {
    return published.map(p -> ours.mean() - p.mean());
  }

  public static List<FgdSummary> of(List<RunResult> results, PublishedResults publishedResults) {
    Map<String, List<RunResult>> groups = new LinkedHashMap<>();
    for (RunResult r : results) {
      groups.computeIfAbsent(r.workload() + "|" + r.policy(), k -> new ArrayList<>()).add(r);
    }
    List<FgdSummary> rows = new ArrayList<>();
    for (List<RunResult> group : groups.values()) {
      RunResult first = group.get(0);
      Stats ours = Stats.of(group.stream().map(RunResult::unallocatedAt100).toList());
      Optional<Stats> published = publishedResults
          .runs(first.workload(), FgdPolicies.require(first.policy()).publishedLabel())
          .map(runs -> Stats.of(runs.stream().map(run -> 100 - run.allocation()[100]).toList()));
      rows.add(new FgdSummary(first.workload(), first.policy(), ours, published));
    }
    return rows;
  }
}
