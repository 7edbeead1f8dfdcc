package io.topogpu.benchmarks.workload;

import io.topogpu.benchmarks.workload.SimEvents.Event;
import io.topogpu.benchmarks.workload.SimEvents.Kind;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.NodeEvaluation;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.preempt.EvictionUnit;
import io.topogpu.scheduler.preempt.GangPreemptionPlanner;
import io.topogpu.scheduler.preempt.PreemptionPlanner;
import io.topogpu.scheduler.preempt.Victim;
import io.topogpu.scheduler.service.Preemptions;
import io.topogpu.topology.Keys;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One run of the preemption scenario ({@link PreemptionScenario}): jobs of two priority classes on
 * one cluster, placed whole (all pods or none, topogpu's placer), highest priority first then
 * arrival; a high-priority job that does not fit preempts by the run's {@link Mode}. Eviction is
 * instant (no grace period); an evicted job loses the work it had done (GPUs × time run) and is
 * queued again to start over.
 *
 * <ul>
 *   <li>{@link Mode#NONE}: no preemption, the reference;
 *   <li>{@link Mode#KUBE_DEFAULT}: kube-scheduler's default preemption, pod by pod: for each member
 *       of the job, on the node where it needs the fewest, lowest-priority victims by GPU count
 *       (all lower-priority pods removed, then the most important ones given back while the count
 *       still suffices), blind to topology and gangs. A victim that belongs to a multi-pod job kills
 *       the job, but its other pods keep their GPUs, idle, until the evicted pods are placed again
 *       and the job restarts. The freed GPUs may still not be the set the preemptor needs: then
 *       victims are lost and it keeps waiting. Pods of a high job placed while others still wait
 *       keep their GPUs (kube-scheduler's nomination keeps them from lower-priority pods), idle;
 *   <li>{@link Mode#TOPOGPU}: {@link GangPreemptionPlanner}: the whole job planned with the cheapest
 *       victims that make room for every pod under its constraints, whole gangs evicted, or nothing.
 * </ul>
 */
final class PreemptionRun {
  static final int HIGH = 100;
  static final int LOW = 0;
  private static final String NS = "sim";

  enum Mode {
    NONE("no-preemption"), KUBE_DEFAULT("k8s-default-preemption"), TOPOGPU("topogpu-preemption");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  /** What one run measured; waits in seconds. */
  record Result(Mode mode, long seed, List<Double> highWaits, List<Double> lowWaits, double gpuHoursLost,
      int evictedPods, int preemptions, double idleGpuHours, int unfinished, int maxHoldersPerGpu) {}

  private static final class Job {
    final int index;
    final GangJob job;
    final int priority;
    final List<PodInfo> pods = new ArrayList<>();
    final Assignment[] placed;
    double start = -1;
    double firstStart = -1;
    double end = -1;
    boolean running;
    boolean finished;
    boolean arrived;

    Job(int index, GangJob job, int priority) {
      this.index = index;
      this.job = job;
      this.priority = priority;
      this.placed = new Assignment[job.pods()];
    }
  }

  private final Mode mode;
  private final long seed;
  private final Placer placer;
  private final Ledger ledger = new Ledger();
  private final TreeMap<String, NodeState> view = new TreeMap<>();
  private final Map<String, PodInfo> running = new LinkedHashMap<>();
  private final Map<String, Job> jobOfPod = new HashMap<>();
  private final List<Job> jobs = new ArrayList<>();
  private final SimEvents events = new SimEvents();
  private final GangPreemptionPlanner gangPlanner;
  private final TopogpuPlacer podPlacer;
  private double now;
  private double lost;
  private double idle;
  private int evicted;
  private int preemptions;
  private int maxHolders;

  PreemptionRun(List<SimNode> nodes, List<GangJob> trace, boolean[] high, Mode mode, long seed, Placer placer) {
    this.mode = mode;
    this.seed = seed;
    this.placer = placer;
    this.podPlacer = new TopogpuPlacer(placer);
    this.gangPlanner = new GangPreemptionPlanner(placer, Preemptions.gangOf(GangIdentities.withoutPodGroups()));
    nodes.forEach(n -> ledger.putNode(n.node()));
    ledger.nodes().forEach(s -> view.put(s.name(), s));
    for (int i = 0; i < trace.size(); i++) {
      Job j = new Job(i, trace.get(i), high[i] ? HIGH : LOW);
      for (int p = 0; p < j.job.pods(); p++) {
        j.pods.add(pod(j, p, Optional.empty(), -1));
      }
      jobs.add(j);
      events.add(j.job.submit(), Kind.ARRIVAL, i);
    }
  }

  Result execute() {
    while (!events.isEmpty()) {
      double next = events.peek().time();
      idle += heldIdleGpus() * (next - now);
      now = next;
      while (!events.isEmpty() && events.peek().time() == now) {
        handle(events.poll());
      }
      pass();
      checkHolders();
    }
    List<Double> highWaits = new ArrayList<>();
    List<Double> lowWaits = new ArrayList<>();
    int unfinished = 0;
    for (Job j : jobs) {
      if (!j.finished) {
        unfinished++;
        continue;
      }
      (j.priority == HIGH ? highWaits : lowWaits).add(j.firstStart - j.job.submit());
    }
    return new Result(mode, seed, highWaits, lowWaits, lost / 3600, evicted, preemptions, idle / 3600,
        unfinished, maxHolders);
  }

  private void handle(Event e) {
    Job j = jobs.get(e.job());
    if (e.kind() == Kind.ARRIVAL) {
      j.arrived = true;
    } else if (e.kind() == Kind.END && j.running && j.end == e.time()) {
      for (int p = 0; p < j.placed.length; p++) {
        release(j, p);
      }
      j.running = false;
      j.finished = true;
    }
  }

  /** Pending jobs, highest priority first, then arrival; each placed whole, or preempting. */
  private void pass() {
    List<Job> pending = jobs.stream().filter(j -> j.arrived && !j.running && !j.finished)
        .sorted(Comparator.comparingInt((Job j) -> -j.priority).thenComparingInt(j -> j.index)).toList();
    for (Job j : pending) {
      if (placeWhole(j)) {
        start(j);
      } else if (j.priority == HIGH && mode != Mode.NONE && lowerGpus() > 0) {
        preemptions++;
        if (mode == Mode.TOPOGPU ? topogpuPreempt(j) : kubePreempt(j)) {
          start(j);
        }
      }
    }
  }

  /** Places every pod not yet placed, or none of them. */
  private boolean placeWhole(Job j) {
    List<Integer> placedNow = new ArrayList<>();
    for (int p = 0; p < j.placed.length; p++) {
      if (j.placed[p] != null) {
        continue;
      }
      Optional<Assignment> a = place(j.pods.get(p));
      if (a.isEmpty()) {
        placedNow.forEach(q -> release(j, q));
        return false;
      }
      bind(j, p, a.get());
      placedNow.add(p);
    }
    return true;
  }

  private Optional<Assignment> place(PodInfo pod) {
    int gpus = ((GpuRequest.WholeGpus) pod.request().orElseThrow()).count();
    List<NodeState> candidates = view.values().stream().filter(n -> PodPlacer.free(n) >= gpus).toList();
    return candidates.isEmpty() ? Optional.empty()
        : placer.rank(pod, candidates).best().flatMap(NodeEvaluation::assignment);
  }

  private boolean topogpuPreempt(Job j) {
    List<PodInfo> members = new ArrayList<>();
    for (int p = 0; p < j.placed.length; p++) {
      if (j.placed[p] == null) {
        members.add(j.pods.get(p));
      }
    }
    Optional<GangPreemptionPlanner.Plan> plan = gangPlanner.plan(members,
        Map.of("cluster", List.copyOf(view.keySet())), plannerView(), Instant.ofEpochSecond((long) now));
    if (plan.isEmpty()) {
      return false;
    }
    for (EvictionUnit u : plan.get().units()) {
      for (Victim v : u.pods()) {
        evictPod(v.key(), true);
      }
    }
    for (int p = 0; p < j.placed.length; p++) {
      Assignment a = plan.get().placed().get(j.pods.get(p).key());
      if (a != null) {
        bind(j, p, a);
      }
    }
    return true;
  }

  /**
   * kube-scheduler's per-pod preemption for each pod of the job that finds no room: victims by
   * GPU count on one node, then the pod is placed by topogpu's placer if the freed GPUs allow.
   */
  private boolean kubePreempt(Job j) {
    for (int p = 0; p < j.placed.length; p++) {
      if (j.placed[p] != null) {
        continue;
      }
      PodInfo pod = j.pods.get(p);
      Optional<Assignment> a = place(pod);
      if (a.isEmpty()) {
        Optional<List<String>> victims = kubeVictims(pod, ((GpuRequest.WholeGpus) pod.request().orElseThrow()).count());
        if (victims.isEmpty()) {
          break;
        }
        victims.get().forEach(k -> evictPod(k, false));
        a = place(pod);
      }
      if (a.isEmpty()) {
        break; // victims lost, the pod still does not fit
      }
      bind(j, p, a.get());
    }
    for (Assignment a : j.placed) {
      if (a == null) {
        // the pods placed so far stay: kube-scheduler nominated them and keeps the room from
        // lower-priority pods; they hold their GPUs idle until the whole job can start
        return false;
      }
    }
    return true;
  }

  /** The victims kube-scheduler's default preemption picks for a pod needing {@code gpus} GPUs. */
  private Optional<List<String>> kubeVictims(PodInfo pod, int gpus) {
    List<String> best = null;
    long[] bestKey = null;
    for (NodeState n : view.values()) {
      int free = PodPlacer.free(n);
      List<PodInfo> lower = new ArrayList<>();
      for (String key : n.pods().keySet()) {
        PodInfo p = running.get(key);
        if (p != null && p.priority() < pod.priority()) {
          lower.add(p);
        }
      }
      int freed = free + lower.stream().mapToInt(p -> n.pods().get(p.key()).gpus().size()).sum();
      if (freed < gpus || lower.isEmpty()) {
        continue;
      }
      // reprieve the most important first: higher priority, then earlier start
      lower.sort(Comparator.comparingInt((PodInfo p) -> -p.priority())
          .thenComparing(p -> p.startTime().orElse(Instant.EPOCH)));
      List<String> victims = new ArrayList<>();
      int maxPriority = Integer.MIN_VALUE;
      for (PodInfo p : lower) {
        int g = n.pods().get(p.key()).gpus().size();
        if (freed - g >= gpus) {
          freed -= g;
        } else {
          victims.add(p.key());
          maxPriority = Math.max(maxPriority, p.priority());
        }
      }
      if (victims.isEmpty()) {
        continue;
      }
      long[] key = {maxPriority, victims.size()};
      if (bestKey == null || key[0] < bestKey[0] || key[0] == bestKey[0] && key[1] < bestKey[1]) {
        best = victims;
        bestKey = key;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Evicts one pod. Its job stops and loses its work; with {@code wholeJob} every pod of the job
   * goes (topogpu: the gang is the unit), otherwise the others keep their GPUs idle.
   */
  private void evictPod(String key, boolean wholeJob) {
    Job j = jobOfPod.get(key);
    if (j == null) {
      return;
    }
    if (j.running) {
      lost += j.job.gpus() * (now - j.start);
      j.running = false;
    }
    for (int p = 0; p < j.placed.length; p++) {
      if (j.placed[p] != null && (wholeJob || j.pods.get(p).key().equals(key))) {
        release(j, p);
        evicted++;
      }
    }
  }

  private void start(Job j) {
    j.running = true;
    j.start = now;
    if (j.firstStart < 0) {
      j.firstStart = now;
    }
    j.end = now + j.job.duration();
    for (int p = 0; p < j.placed.length; p++) {
      PodInfo started = pod(j, p, Optional.of(j.placed[p]), now);
      j.pods.set(p, started);
      running.put(started.key(), started);
    }
    events.add(j.end, Kind.END, j.index);
  }

  private void bind(Job j, int p, Assignment a) {
    ledger.allocate(j.pods.get(p).key(), a);
    view.put(a.node(), ledger.node(a.node()).orElseThrow());
    j.placed[p] = a;
    jobOfPod.put(j.pods.get(p).key(), j);
  }

  private void release(Job j, int p) {
    Assignment a = j.placed[p];
    if (a == null) {
      return;
    }
    String key = j.pods.get(p).key();
    ledger.release(key);
    view.put(a.node(), ledger.node(a.node()).orElseThrow());
    running.remove(key);
    j.placed[p] = null;
    j.pods.set(p, pod(j, p, Optional.empty(), -1));
  }

  /**
   * GPUs held by jobs that are not computing: pods of a gang broken by per-pod eviction, and pods
   * of a high job nominated while its other pods wait.
   */
  private int heldIdleGpus() {
    int n = 0;
    for (Job j : jobs) {
      if (!j.running) {
        for (int p = 0; p < j.placed.length; p++) {
          if (j.placed[p] != null) {
            n += j.job.podGpus().get(p);
          }
        }
      }
    }
    return n;
  }

  /** GPUs held by low-priority pods: no preemption can help when there are none. */
  private int lowerGpus() {
    int n = 0;
    for (PodInfo p : running.values()) {
      if (p.priority() < HIGH) {
        n += p.assignment().map(a -> a.gpus().size()).orElse(0);
      }
    }
    return n;
  }

  /** Pod {@code p} of job {@code j}: a gang member when the job has several pods. */
  private static PodInfo pod(Job j, int p, Optional<Assignment> a, double started) {
    Map<String, String> annotations = j.job.pods() > 1
        ? Map.of(Keys.GANG, "job-" + j.index, Keys.GANG_SIZE, Integer.toString(j.job.pods())) : Map.of();
    return new PodInfo(NS, "job-" + j.index + "-" + p, "uid-" + j.index + "-" + p, Map.of(), annotations,
        Optional.of(new GpuRequest.WholeGpus(j.job.podGpus().get(p))), Placement.NONE, a,
        a.map(Assignment::node), a.isPresent() ? "Running" : "Pending", j.priority,
        started < 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond((long) started)));
  }

  private PreemptionPlanner.View plannerView() {
    return new PreemptionPlanner.View() {
      @Override
      public Optional<NodeState> node(String name) {
        return Optional.ofNullable(view.get(name));
      }

      @Override
      public Optional<PodInfo> pod(String key) {
        return Optional.ofNullable(running.get(key));
      }

      @Override
      public Collection<PodInfo> pods() {
        return running.values();
      }
    };
  }

  private void checkHolders() {
    for (NodeState s : view.values()) {
      for (List<String> holders : s.holdersByGpu().values()) {
        maxHolders = Math.max(maxHolders, holders.size());
      }
    }
  }
}
