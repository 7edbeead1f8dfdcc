package io.topogpu.benchmarks.workload;

import io.topogpu.benchmarks.workload.SimEvents.Event;
import io.topogpu.benchmarks.workload.SimEvents.Kind;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntConsumer;

/**
 * One run of {@link WorkloadSimulator}: the event loop, the scheduler passes and the booking of GPUs.
 * The rules it implements are documented on {@link WorkloadSimulator}. Single use: {@link #execute} once.
 */
final class SimulationRun {
  private final List<SimNode> nodes;
  private final Map<String, SimNode> byName;
  private final LocalityModel model;
  private final WorkloadPolicies.Entry policy;
  private final IntConsumer onArrival;
  private final Ledger ledger = new Ledger();
  /** The ledger's node states by name, kept current after every booking and release. */
  private final TreeMap<String, NodeState> view = new TreeMap<>();
  private final WorkloadPolicies.Strategy strategy;
  /** Null unless the policy is a gang policy with a starvation threshold. */
  private final StarvationHold hold;
  private final List<JobRun> runs = new ArrayList<>();
  private final SimEvents events = new SimEvents();
  /** Queued pods of per-pod policies as {job, pod}, in queue order. */
  private final List<int[]> pendingPods = new ArrayList<>();
  /** Queued jobs of gang policies, in queue order. */
  private final List<Integer> pendingJobs = new ArrayList<>();
  private final int largestNode;
  private final int totalGpus;
  private double now;
  private int maxHolders;

  SimulationRun(List<SimNode> nodes, Map<String, SimNode> byName, LocalityModel model, List<GangJob> jobs,
      WorkloadPolicies.Entry policy, long seed, Duration starvationAfter, IntConsumer onArrival) {
    this.nodes = nodes;
    this.byName = byName;
    this.model = model;
    this.policy = policy;
    this.onArrival = onArrival;
    List<Archetype> kinds = WorkloadSimulator.archetypes(jobs.size(), seed);
    for (int i = 0; i < jobs.size(); i++) {
      runs.add(new JobRun(i, jobs.get(i), kinds.get(i)));
      events.add(jobs.get(i).submit(), Kind.ARRIVAL, i);
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
    List<JobOutcome> outcomes = runs.stream().map(r -> r.outcome(now, byName)).toList();
    return new RunResult(policy.name(), outcomes, totalGpus, now, maxHolders,
        hold == null ? 0 : hold.taken(), hold == null ? 0 : hold.keptFreeGpuSeconds() / 3600);
  }

  private void handle(Event e) {
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
      if (hold != null && r.isGang()) {
        events.add(hold.dueAt(r.job.submit()), Kind.STARVING, e.job());
      }
    } else {
      for (int p = 0; p < r.job.pods(); p++) {
        pendingPods.add(new int[] {e.job(), p});
      }
    }
  }

  private boolean everFits(GangJob job) {
    if (job.maxPodGpus() > largestNode) {
      return false;
    }
    int g = job.maxPodGpus();
    return nodes.stream().mapToInt(n -> n.gpus() / g).sum() >= job.pods();
  }

  private void pass() {
    if (strategy instanceof WorkloadPolicies.AllOrNothing g) {
      gangPass(g.starter());
    } else {
      podPass(((WorkloadPolicies.PerPod) strategy).placer());
    }
  }

  private void podPass(PodPlacer placer) {
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
  private void gangPass(GangStarter starter) {
    if (hold != null && hold.holder() < 0) { // a hold in place is kept; refresh would return at once
      hold.refresh(now, waiting(starter, pendingJobs));
    }
    for (var it = pendingJobs.iterator(); it.hasNext();) {
      JobRun r = runs.get(it.next());
      List<PodSlot> pods = slots(r);
      Collection<NodeState> open = hold == null ? view.values() : hold.openTo(r.index, view.values());
      var plan = starter.start(r.job.id(), pods, List.copyOf(open));
      if (plan.isEmpty()) {
        r.rejectedOnce = true;
        if (hold != null && hold.holder() < 0 && r.isGang()) {
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

  private static List<PodSlot> slots(JobRun r) {
    List<PodSlot> pods = new ArrayList<>();
    for (int p = 0; p < r.job.pods(); p++) {
      pods.add(new PodSlot(r.podKey(p), r.job.podGpus().get(p)));
    }
    return pods;
  }

  /** The queued gangs (jobs of two or more pods) as the starvation rule sees them, in queue order. */
  private List<StarvationHold.Waiting> waiting(GangStarter starter, List<Integer> queue) {
    List<StarvationHold.Waiting> out = new ArrayList<>(queue.size());
    for (int i : queue) {
      JobRun r = runs.get(i);
      if (!r.isGang()) {
        continue;
      }
      out.add(new StarvationHold.Waiting(i, r.job.submit(), r.rejectedOnce,
          () -> starter.holdTarget(r.job.id(), slots(r), List.copyOf(view.values()))));
    }
    return out;
  }

  private void bind(JobRun r, int pod, Assignment a) {
    ledger.allocate(r.podKey(pod), a);
    refresh(a.node());
    r.placed[pod] = a;
    r.podStart[pod] = now;
    r.status = JobOutcome.Status.PARTLY_STARTED;
  }

  /** Starts a fully bound job: settles its idle time, fixes its slowdown and schedules its end. */
  private void start(JobRun r) {
    r.start = now;
    for (int p = 0; p < r.placed.length; p++) {
      r.idle += r.job.podGpus().get(p) * (now - r.podStart[p]);
    }
    List<LocalityModel.Share> shares = r.shares(byName);
    LocalityModel.Bandwidth placed = model.bandwidth(shares);
    SimNode ref = shares.stream().max(Comparator.comparingInt((LocalityModel.Share s) -> s.gpus().size())
        .thenComparing(s -> s.node().name(), Comparator.reverseOrder())).orElseThrow().node();
    r.slowdown = model.slowdown(r.archetype, placed, model.reference(ref, r.job.gpus()));
    r.end = now + r.job.duration() * r.slowdown;
    events.add(r.end, Kind.END, r.index);
  }

  private void refresh(String node) {
    view.put(node, ledger.node(node).orElseThrow());
  }

  private int maxFree() {
    return view.values().stream().mapToInt(PodPlacer::free).max().orElse(0);
  }

  /** Records the most holders any GPU has now; a node booked beyond its GPU count counts as 2. */
  private void checkHolders() {
    for (NodeState s : view.values()) {
      for (List<String> holders : s.holdersByGpu().values()) {
        maxHolders = Math.max(maxHolders, holders.size());
      }
      if (s.pods().values().stream().mapToInt(a -> a.gpus().size()).sum() > s.gpuCount()) {
        maxHolders = Math.max(maxHolders, 2);
      }
    }
  }
}
