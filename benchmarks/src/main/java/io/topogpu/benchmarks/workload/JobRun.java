package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.model.Assignment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mutable state of one job during a simulation run, and its {@link JobOutcome} at the end.
 *
 * <p>{@code placed[p]} is pod p's GPUs once bound (null before); {@code podStart[p]} the time it was
 * bound. {@code idle} accumulates GPU-seconds held by bound pods before the whole job started.
 */
final class JobRun {
  final int index;
  final GangJob job;
  final Archetype archetype;
  final Assignment[] placed;
  final double[] podStart;
  double start = -1;
  double end = -1;
  double slowdown;
  double idle;
  boolean rejectedOnce;
  JobOutcome.Status status = JobOutcome.Status.QUEUED;
  String reason = "";

  JobRun(int index, GangJob job, Archetype archetype) {
    this.index = index;
    this.job = job;
    this.archetype = archetype;
    this.placed = new Assignment[job.pods()];
    this.podStart = new double[job.pods()];
  }

  String podKey(int pod) {
    return TopogpuPlacer.NAMESPACE + "/" + job.id() + "-" + pod;
  }

  /** Two or more pods: what the extender treats as a gang (a lone pod has no gang identity). */
  boolean isGang() {
    return job.pods() > 1;
  }

  int placedPods() {
    int c = 0;
    for (Assignment a : placed) {
      c += a == null ? 0 : 1;
    }
    return c;
  }

  /** The job's GPUs per node, nodes by name and GPUs ascending; bound pods only. */
  List<LocalityModel.Share> shares(Map<String, SimNode> byName) {
    Map<String, List<Integer>> byNode = new TreeMap<>();
    for (Assignment a : placed) {
      if (a != null) {
        byNode.computeIfAbsent(a.node(), k -> new ArrayList<>()).addAll(a.gpus());
      }
    }
    List<LocalityModel.Share> out = new ArrayList<>();
    byNode.forEach((n, g) -> out.add(new LocalityModel.Share(byName.get(n), g.stream().sorted().toList())));
    return out;
  }

  /**
   * The outcome when the run ends at {@code now}. A partly started job's bound pods count as idle up to
   * {@code now}; jobs that did not finish get the reason. Call once: it settles {@code idle} and {@code reason}.
   */
  JobOutcome outcome(double now, Map<String, SimNode> byName) {
    if (status == JobOutcome.Status.PARTLY_STARTED) {
      for (int p = 0; p < placed.length; p++) {
        if (placed[p] != null) {
          idle += job.podGpus().get(p) * (now - podStart[p]);
        }
      }
      reason = "partly started: " + placedPods() + " of " + job.pods()
          + " pods hold GPUs idle; no job left running to free GPUs for the rest (deadlock)";
    } else if (status == JobOutcome.Status.QUEUED) {
      reason = "never started: the GPUs it needs are held by partly started jobs at the end of the run";
    }
    List<LocalityModel.Share> shares = shares(byName);
    int multi = 0;
    int best = 0;
    for (Assignment a : placed) {
      if (a != null && a.gpus().size() > 1) {
        multi++;
        SimNode n = byName.get(a.node());
        double b = LocalityModel.intra(n.kind(), n.topology(), a.gpus());
        best += b >= BestSets.of(n.kind(), n.topology(), a.gpus().size()).gbps() - 1e-9 ? 1 : 0;
      }
    }
    int leaves = (int) shares.stream().map(s -> s.node().leaf()).distinct().count();
    int spines = (int) shares.stream().map(s -> s.node().spine()).distinct().count();
    return new JobOutcome(job.id(), job.line(), archetype, job.gpus(), job.pods(), job.submit(),
        start, status == JobOutcome.Status.FINISHED ? end : -1, slowdown, shares.size(), leaves, spines,
        multi, best, idle, status, reason);
  }
}
