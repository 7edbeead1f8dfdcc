package io.topogpu.benchmarks.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * Discrete-event simulation of one (trace window, policy, seed) on a fresh cluster. Events are job
 * arrivals (trace submit time) and job completions; after every batch of events at one instant the
 * scheduler makes one pass over its queue.
 *
 * <p>Queue discipline (FIFO with greedy backfill, no reservations), as kube-scheduler's queue behaves:
 * the pass walks the queue in arrival order and starts everything that fits now; an entry that does not
 * fit stays in place and later entries may start ahead of it. Non-gang policies queue pods (job order,
 * then pod order) and bind each pod as soon as it fits; the job computes only once all its pods run, and
 * its started pods hold their GPUs idle meanwhile. Gang policies queue jobs and start all pods of a job at
 * once or none. A started job runs for duration × slowdown (locality model, fixed at start), then
 * releases everything.
 *
 * <p>Gang policies with a starvation threshold also apply the extender's starvation hold
 * ({@link StarvationHold}): the oldest gang rejected and waiting longer than the threshold gets its target
 * nodes closed to every other job until it starts. Only jobs of two or more pods count as gangs there, as
 * in the extender, where a lone pod has no gang identity; single-pod jobs are kept off held nodes too.
 * Each waiting gang's threshold crossing is an event of its own, so the pass that may take the hold runs
 * at that instant, as the extender's periodic check would; the crossing of a gang that has already
 * started is dropped (it neither runs a pass nor extends the run).
 *
 * <p>GPUs are booked in the scheduler's own {@link io.topogpu.scheduler.ledger.Ledger}, which refuses any
 * GPU held twice; after every event the run also checks every node's holders and records the most holders
 * any GPU ever had (must be 1).
 * The run ends when no event is left; jobs still waiting then are reported with the reason.
 *
 * <p>Each run is a fresh {@link SimulationRun}; this class holds only the cluster and the locality model,
 * so one simulator can run any number of policies and seeds.
 */
public final class WorkloadSimulator {
  private final List<SimNode> nodes;
  private final Map<String, SimNode> byName = new TreeMap<>();
  private final LocalityModel model;

  public WorkloadSimulator(List<SimNode> nodes, LocalityModel model) {
    this.nodes = List.copyOf(nodes);
    this.nodes.forEach(n -> byName.put(n.name(), n));
    this.model = model;
  }

  /** Archetype of each job, uniformly at random from {@code seed} (the same for every policy). */
  public static List<Archetype> archetypes(int jobs, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Archetype[] all = Archetype.values();
    List<Archetype> out = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      out.add(all[r.nextInt(all.length)]);
    }
    return out;
  }

  /** {@link #run(List, WorkloadPolicies.Entry, long, Duration, IntConsumer)} at the extender's threshold. */
  public RunResult run(List<GangJob> jobs, WorkloadPolicies.Entry policy, long seed, IntConsumer onArrival) {
    return run(jobs, policy, seed, WorkloadPolicies.DEFAULT_STARVATION_AFTER, onArrival);
  }

  /**
   * Runs the policy over {@code jobs}; {@code starvationAfter} is the hold threshold of gang policies that
   * hold; {@code onArrival} is told the index of each job as it arrives.
   */
  public RunResult run(List<GangJob> jobs, WorkloadPolicies.Entry policy, long seed, Duration starvationAfter,
      IntConsumer onArrival) {
    return new SimulationRun(nodes, byName, model, jobs, policy, seed, starvationAfter, onArrival).execute();
  }
}
