package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
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
 * <p>GPUs are booked in the scheduler's own {@link Ledger}, which refuses any GPU held twice; after every
 * event the run also checks every node's holders and records the most holders any GPU ever had (must be 1).
 * The run ends when no event is left; jobs still waiting then are reported with the reason.
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
    return new Run(jobs, policy, seed, starvationAfter, onArrival).execute();
  }

  private enum Kind { ARRIVAL, END, STARVING }

  private record Event(double time, long seq, Kind kind, int job) {}

  /** Mutable state of one job during a run. */
  private static final class JobRun {
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

    int placedPods() {
      int c = 0;
      for (Assignment a : placed) {
        c += a == null ? 0 : 1;
      }
      return c;
    }
  }

  private final class Run {
    final WorkloadPolicies.Entry policy;
    final IntConsumer onArrival;
    final Ledger ledger = new Ledger();
    final TreeMap<String, NodeState> view = new TreeMap<>();
    final WorkloadPolicies.Strategy strategy;
    final StarvationHold hold;
    final List<JobRun> runs = new ArrayList<>();
    final PriorityQueue<Event> events = new PriorityQueue<>(
        Comparator.comparingDouble(Event::time).thenComparingLong(Event::seq));
    final List<int[]> pendingPods = new ArrayList<>();
    final List<Integer> pendingJobs = new ArrayList<>();
    long seq;
    double now;
    int maxHolders;
    final int largestNode;
    final int totalGpus;

    Run(List<GangJob> jobs, WorkloadPolicies.Entry policy, long seed, Duration starvationAfter,
        IntConsumer onArrival) {
      this.policy = policy;
      this.onArrival = onArrival;
      List<Archetype> kinds = archetypes(jobs.size(), seed);
      for (int i = 0; i < jobs.size(); i++) {
        runs.add(new JobRun(i, jobs.get(i), kinds.get(i)));
        events.add(new Event(jobs.get(i).submit(), seq++, Kind.ARRIVAL, i));
      }
      nodes.forEach(n -> ledger.putNode(n.node()));
      ledger.nodes().forEach(s -> view.put(s.name(), s));
      SplittableRandom random = new SplittableRandom(seed).split();
      this.strategy = policy.strategy().apply(
          new WorkloadPolicies.Context(random, new DevicePluginAllocator(), starvationAfter));
      this.hold = strategy instanceof WorkloadPolicies.AllOrNothing g && g.starvationAfter().isPresent()
          ? new StarvationHold(g.starvationAfter().get().toMillis() / 1000.0) : null;
      this.largestNode = nodes.stream().mapToInt(SimNode::gpus).max().orElse(0);
      this.totalGpus = nodes.stream().mapToInt(SimNode::gpus).sum();
    }

    RunResult execute() {
      while (!events.isEmpty()) {
        Event head = events.peek();
        if (head.kind() == Kind.STARVING && runs.get(head.job()).start >= 0) {
          events.poll();
          continue;
        }
        double next = head.time();
        if (hold != null) {
          hold.account(next - now, view.values());
        }
        now = next;
        while (!events.isEmpty() && events.peek().time() == now) {
          handle(events.poll());
        }
        pass();
        checkHolders();
      }
      List<JobOutcome> outcomes = runs.stream().map(this::outcome).toList();
      return new RunResult(policy.name(), outcomes, totalGpus, now, maxHolders,
          hold == null ? 0 : hold.taken(), hold == null ? 0 : hold.keptFreeGpuSeconds() / 3600);
    }

    void handle(Event e) {
      JobRun r = runs.get(e.job());
      if (e.kind() == Kind.STARVING) {
        return; // the pass after this instant's events may take the hold
      }
      if (e.kind() == Kind.END) {
        for (int p = 0; p < r.placed.length; p++) {
          ledger.release(r.podKey(p));
          refresh(r.placed[p].node());
        }
        r.status = JobOutcome.Status.FINISHED;
        return;
      }
      onArrival.accept(e.job());
      if (!everFits(r.job)) {
        r.status = JobOutcome.Status.NEVER_FITS;
        r.reason = "needs " + r.job.pods() + " pods of up to " + r.job.maxPodGpus()
            + " GPUs; the empty cluster cannot hold them";
        return;
      }
      if (strategy instanceof WorkloadPolicies.AllOrNothing) {
        pendingJobs.add(e.job());
        if (hold != null && r.job.pods() > 1) {
          events.add(new Event(hold.dueAt(r.job.submit()), seq++, Kind.STARVING, e.job()));
        }
      } else {
        for (int p = 0; p < r.job.pods(); p++) {
          pendingPods.add(new int[] {e.job(), p});
        }
      }
    }

    boolean everFits(GangJob job) {
      if (job.maxPodGpus() > largestNode) {
        return false;
      }
      int g = job.maxPodGpus();
      return nodes.stream().mapToInt(n -> n.gpus() / g).sum() >= job.pods();
    }

    void pass() {
      if (strategy instanceof WorkloadPolicies.AllOrNothing g) {
        gangPass(g.starter());
      } else {
        podPass(((WorkloadPolicies.PerPod) strategy).placer());
      }
    }

    void podPass(PodPlacer placer) {
      int maxFree = maxFree();
      for (var it = pendingPods.iterator(); it.hasNext() && maxFree > 0;) {
        int[] jp = it.next();
        JobRun r = runs.get(jp[0]);
        int gpus = r.job.podGpus().get(jp[1]);
        if (gpus > maxFree) {
          continue;
        }
        var a = placer.place(r.podKey(jp[1]), gpus, view.values());
        if (a.isEmpty()) {
          continue;
        }
        bind(r, jp[1], a.get());
        it.remove();
        if (r.placedPods() == r.job.pods()) {
          start(r);
        }
        maxFree = maxFree();
      }
    }

    /**
     * One pass over the gang queue. With a hold, each job other than the held one is planned without the
     * held nodes; after a rejection or the held gang's start the hold is refreshed, as the extender does.
     */
    void gangPass(GangStarter starter) {
      if (hold != null) {
        hold.refresh(now, waiting(starter, pendingJobs));
      }
      for (var it = pendingJobs.iterator(); it.hasNext();) {
        JobRun r = runs.get(it.next());
        List<PodSlot> pods = slots(r);
        Collection<NodeState> open = hold == null ? view.values() : hold.openTo(r.index, view.values());
        var plan = starter.start(r.job.id(), pods, List.copyOf(open));
        if (plan.isEmpty()) {
          r.rejectedOnce = true;
          if (hold != null && r.job.pods() > 1) {
            hold.refresh(now, waiting(starter, List.of(r.index)));
          }
          continue;
        }
        for (int p = 0; p < pods.size(); p++) {
          bind(r, p, plan.get().get(p));
        }
        it.remove();
        start(r);
        if (hold != null && hold.holder() == r.index) {
          hold.started(r.index);
          hold.refresh(now, waiting(starter, pendingJobs));
        }
      }
    }

    List<PodSlot> slots(JobRun r) {
      List<PodSlot> pods = new ArrayList<>();
      for (int p = 0; p < r.job.pods(); p++) {
        pods.add(new PodSlot(r.podKey(p), r.job.podGpus().get(p)));
      }
      return pods;
    }

    /** The queued gangs (jobs of two or more pods) as the starvation rule sees them, in queue order. */
    List<StarvationHold.Waiting> waiting(GangStarter starter, List<Integer> queue) {
      List<StarvationHold.Waiting> out = new ArrayList<>(queue.size());
      for (int i : queue) {
        JobRun r = runs.get(i);
        if (r.job.pods() < 2) {
          continue;
        }
        out.add(new StarvationHold.Waiting(i, r.job.submit(), r.rejectedOnce,
            () -> starter.holdTarget(r.job.id(), slots(r), List.copyOf(view.values()))));
      }
      return out;
    }

    void bind(JobRun r, int pod, Assignment a) {
      ledger.allocate(r.podKey(pod), a);
      refresh(a.node());
      r.placed[pod] = a;
      r.podStart[pod] = now;
      r.status = JobOutcome.Status.PARTLY_STARTED;
    }

    void start(JobRun r) {
      r.start = now;
      for (int p = 0; p < r.placed.length; p++) {
        r.idle += r.job.podGpus().get(p) * (now - r.podStart[p]);
      }
      List<LocalityModel.Share> shares = shares(r);
      LocalityModel.Bandwidth placed = model.bandwidth(shares);
      SimNode ref = shares.stream().max(Comparator.comparingInt((LocalityModel.Share s) -> s.gpus().size())
          .thenComparing(s -> s.node().name(), Comparator.reverseOrder())).orElseThrow().node();
      r.slowdown = model.slowdown(r.archetype, placed, model.reference(ref, r.job.gpus()));
      r.end = now + r.job.duration() * r.slowdown;
      events.add(new Event(r.end, seq++, Kind.END, r.index));
    }

    List<LocalityModel.Share> shares(JobRun r) {
      Map<String, List<Integer>> byNode = new TreeMap<>();
      for (Assignment a : r.placed) {
        if (a != null) {
          byNode.computeIfAbsent(a.node(), k -> new ArrayList<>()).addAll(a.gpus());
        }
      }
      List<LocalityModel.Share> out = new ArrayList<>();
      byNode.forEach((n, g) -> out.add(new LocalityModel.Share(byName.get(n), g.stream().sorted().toList())));
      return out;
    }

    void refresh(String node) {
      view.put(node, ledger.node(node).orElseThrow());
    }

    int maxFree() {
      return view.values().stream().mapToInt(PodPlacer::free).max().orElse(0);
    }

    void checkHolders() {
      for (NodeState s : view.values()) {
        for (List<String> holders : s.holdersByGpu().values()) {
          maxHolders = Math.max(maxHolders, holders.size());
        }
        if (s.pods().values().stream().mapToInt(a -> a.gpus().size()).sum() > s.gpuCount()) {
          maxHolders = Math.max(maxHolders, 2);
        }
      }
    }

    JobOutcome outcome(JobRun r) {
      if (r.status == JobOutcome.Status.PARTLY_STARTED) {
        for (int p = 0; p < r.placed.length; p++) {
          if (r.placed[p] != null) {
            r.idle += r.job.podGpus().get(p) * (now - r.podStart[p]);
          }
        }
        r.reason = "partly started: " + r.placedPods() + " of " + r.job.pods()
            + " pods hold GPUs idle; no job left running to free GPUs for the rest (deadlock)";
      } else if (r.status == JobOutcome.Status.QUEUED) {
        r.reason = "never started: the GPUs it needs are held by partly started jobs at the end of the run";
      }
      List<LocalityModel.Share> shares = shares(r);
      int multi = 0;
      int best = 0;
      for (Assignment a : r.placed) {
        if (a != null && a.gpus().size() > 1) {
          multi++;
          SimNode n = byName.get(a.node());
          double b = LocalityModel.intra(n.kind(), n.topology(), a.gpus());
          best += b >= BestSets.of(n.kind(), n.topology(), a.gpus().size()).gbps() - 1e-9 ? 1 : 0;
        }
      }
      int leaves = (int) shares.stream().map(s -> s.node().leaf()).distinct().count();
      int spines = (int) shares.stream().map(s -> s.node().spine()).distinct().count();
      return new JobOutcome(r.job.id(), r.job.line(), r.archetype, r.job.gpus(), r.job.pods(), r.job.submit(),
          r.start, r.status == JobOutcome.Status.FINISHED ? r.end : -1, r.slowdown, shares.size(), leaves, spines,
          multi, best, r.idle, r.status, r.reason);
    }
  }
}
