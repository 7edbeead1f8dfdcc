package io.topogpu.scheduler.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topogpu.scheduler.bind.PodEvictor;
import io.topogpu.scheduler.extender.PreemptRequest;
import io.topogpu.scheduler.extender.PreemptResponse;
import io.topogpu.scheduler.gang.EventRecorder;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.gang.GangResolution;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.metrics.PreemptionMetrics;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Rejection;
import io.topogpu.scheduler.preempt.GangDomains;
import io.topogpu.scheduler.preempt.GangEvictions;
import io.topogpu.scheduler.preempt.GangPreemptionPlanner;
import io.topogpu.scheduler.preempt.Nominations;
import io.topogpu.scheduler.preempt.PreemptionPlan.NodeChoice;
import io.topogpu.scheduler.preempt.PreemptionPlan;
import io.topogpu.scheduler.preempt.PreemptionPlanner;
import io.topogpu.scheduler.preempt.Victim;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The preempt verb on the cluster state: runs the {@link PreemptionPlanner}, records an Event on
 * the preemptor saying which nodes were kept with which victims and why the others were refused,
 * counts it ({@link PreemptionMetrics}), and finishes gang evictions: when a pod that a kept node's
 * plan named as a gang member goes away, the gang's members on other nodes are evicted through
 * the {@link PodEvictor} (on {@code executor}, never under the cluster state's lock), each with a
 * Warning Event.
 */
public final class Preemptions implements ClusterState.PodWatcher {
  /** Event reasons. */
  public static final String PLANNED = "PreemptionPlanned";
  public static final String REFUSED = "PreemptionRefused";
  public static final String GANG_EVICTED = "PreemptedWithGang";
  public static final String GANG_PREEMPTED = "PreemptedForGang";
  /** Longest Event message written; longer ones are cut with an ellipsis. */
  static final int MAX_MESSAGE = 1024;

  private final ClusterState state;
  private final PreemptionPlanner planner;
  private final GangEvictions owed;
  private final PodEvictor evictor;
  private final EventRecorder events;
  private final PreemptionMetrics metrics;
  private final InstantSource clock;
  private final Executor executor;
  private final Function<PodInfo, Optional<String>> gangOf;
  private final GangPreemptionPlanner gangPlanner;
  private final NetworkTiers tiers;
  /** GPUs owed to single preemptors while their victims leave. */
  private final Nominations nominations = new Nominations(Nominations.DEFAULT_HOLD);
  /** Gangs whose preemption was planned, until when further preempt calls for them are no-ops. */
  private final Map<String, Instant> gangsPlanned = new HashMap<>();

  /** Preemption with the default network tiers ({@link TierConfig#defaults}). */
  public Preemptions(ClusterState state, Placer placer, Function<PodInfo, Optional<String>> gangOf,
      GangEvictions owed, PodEvictor evictor, EventRecorder events, PreemptionMetrics metrics,
      InstantSource clock, Executor executor) {
    this(state, placer, gangOf, owed, evictor, events, metrics, clock, executor, TierConfig.defaults());
  }

  /** @param tiers the network tiers a gang's required level may name (as gang planning's) */
  public Preemptions(ClusterState state, Placer placer, Function<PodInfo, Optional<String>> gangOf,
      GangEvictions owed, PodEvictor evictor, EventRecorder events, PreemptionMetrics metrics,
      InstantSource clock, Executor executor, TierConfig tiers) {
    this.tiers = new NetworkTiers(tiers);
    this.gangOf = gangOf;
    this.gangPlanner = new GangPreemptionPlanner(placer, gangOf);
    PreemptionPlanner planner = new PreemptionPlanner(placer, gangOf);
    this.state = state;
    this.planner = planner;
    this.owed = owed;
    this.evictor = evictor;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    this.executor = executor;
  }

  /**
   * Preemption with no Events, no gang-rest evictions and meters on a private registry: for
   * backends built without the extender's wiring (tests, benchmarks, the demo).
   */
  public static Preemptions quiet(ClusterState state, Placer placer) {
    return new Preemptions(state, placer, gangOf(GangIdentities.withoutPodGroups()),
        new GangEvictions(DEFAULT_OWED_FOR), PodEvictor.NONE, EventRecorder.NONE,
        new PreemptionMetrics(new SimpleMeterRegistry()), Clock.systemUTC(), Runnable::run);
  }

  /** How long a gang's rest stays owed after a preempt call named part of it. */
  public static final Duration DEFAULT_OWED_FOR = Duration.ofMinutes(5);

  /**
   * A pod's gang: what {@code identities} resolves from its labels and annotations, else the gang
   * recorded in its {@code topogpu.io/gpus} annotation at bind.
   */
  public static Function<PodInfo, Optional<String>> gangOf(GangIdentities identities) {
    return p -> identities.resolve(p) instanceof GangResolution.Member m
        ? Optional.of(m.gang().key())
        : p.assignment().flatMap(Assignment::gang).map(g -> p.namespace() + "/" + g.name());
  }

  /**
   * Preemption for a gang member, planned for the whole gang: kube-scheduler is told to evict
   * nothing (it would evict for one member at a time); instead, the {@link GangPreemptionPlanner}
   * picks the cheapest victims (whole gangs) that make room for every member still to place, the
   * nodes the members will use are held for the gang ({@link GangHook#holdForPreemption}: closed to
   * every other pod, lower priority included, until the gang is planned there), and the victims are
   * evicted through the {@link PodEvictor}, each with a {@value #GANG_PREEMPTED} Warning Event. Once
   * they are gone the gang's next filter plans and reserves it on the held nodes, all or nothing.
   *
   * <p>The domains searched are those of the gang's required level ({@link GangDomains}: the whole
   * cluster, each node, or each domain of a network tier), so the members end inside one of them;
   * the cheapest domain wins. A preferred level is not sought.
   *
   * <p>Once per gang within {@link #DEFAULT_OWED_FOR}: kube-scheduler calls preempt for every member
   * and on every retry, and victims take a grace period to leave.
   */
  public PreemptResponse preemptGang(PodInfo member, GangHook gangs) {
    Instant now = clock.instant();
    String gang = gangOf.apply(member).orElse(member.key());
    synchronized (gangsPlanned) {
      gangsPlanned.values().removeIf(t -> !now.isBefore(t));
      if (gangsPlanned.containsKey(gang)) {
        return PreemptResponse.none(); // victims of the plan already made are leaving
      }
    }
    Optional<List<PodInfo>> members = gangs.openMembers(member);
    if (members.isEmpty() || members.get().isEmpty()) {
      return refuseGang(member, "the gang is planned or not known yet");
    }
    Map<String, List<String>> domains;
    try {
      domains = GangDomains.of(members.get(), state.nodes(), tiers);
    } catch (IllegalArgumentException e) {
      return refuseGang(member, e.getMessage());
    }
    Optional<String> level = GangDomains.required(members.get(), tiers);
    Optional<GangPreemptionPlanner.Plan> plan = gangPlanner.plan(members.get(), domains, view(), now);
    if (plan.isEmpty()) {
      return refuseGang(member, "evicting every lower-priority pod and gang does not make room for all "
          + members.get().size() + " members still to place" + level.map(l -> domains.isEmpty()
              ? " (no node has a " + l + " domain)" : " within one " + l).orElse(""));
    }
    Set<String> nodes = new TreeSet<>();
    plan.get().placed().values().forEach(a -> nodes.add(a.node()));
    if (!gangs.holdForPreemption(member, nodes)) {
      return refuseGang(member, "another gang of equal or higher priority holds nodes");
    }
    synchronized (gangsPlanned) {
      gangsPlanned.put(gang, now.plus(DEFAULT_OWED_FOR));
    }
    List<Victim> victims = plan.get().units().stream().flatMap(u -> u.pods().stream()).toList();
    metrics.decided(true, victims.size(), plan.get().cost().gpuHoursLost());
    events.record(member.key(), EventRecorder.Type.Normal, PLANNED, cut(String.format(Locale.ROOT,
        "gang %s: nodes %s (%s) held; evicting %s (highest priority %d, %d pods, %.2f GPU-hours lost)", gang,
        nodes, plan.get().domain(),
        victims.stream().map(Victim::key).collect(Collectors.joining(", ")), plan.get().cost().maxPriority(),
        plan.get().cost().pods(), plan.get().cost().gpuHoursLost())));
    executor.execute(() -> victims.forEach(v -> {
      String why = "preempted by gang " + gang + " (member " + member.key() + ")";
      int slash = v.key().indexOf('/');
      if (evictor.evict(v.key().substring(0, slash), v.key().substring(slash + 1), v.uid(), why)) {
        events.record(v.key(), EventRecorder.Type.Warning, GANG_PREEMPTED, why);
      }
    }));
    return PreemptResponse.none();
  }

  private PreemptResponse refuseGang(PodInfo member, String why) {
    metrics.decided(false, 0, 0);
    events.record(member.key(), EventRecorder.Type.Normal, REFUSED, cut(why));
    return PreemptResponse.none();
  }

  public PreemptResponse preempt(PodInfo preemptor, PreemptRequest request) {
    Map<String, List<String>> proposed = new LinkedHashMap<>();
    request.candidates().forEach((node, v) -> proposed.put(node, v.uids()));
    PreemptionPlan plan = planner.plan(preemptor, proposed, view(), clock.instant());
    owed.remember(plan, clock.instant());
    nominations.nominate(preemptor, plan, clock.instant());
    Optional<NodeChoice> cheapest = plan.kept().values().stream()
        .min(Comparator.comparing(NodeChoice::cost).thenComparing(NodeChoice::node));
    metrics.decided(cheapest.isPresent(),
        cheapest.map(c -> c.units().stream().mapToInt(u -> u.pods().size()).sum()).orElse(0),
        cheapest.map(c -> c.cost().gpuHoursLost()).orElse(0.0));
    events.record(preemptor.key(), EventRecorder.Type.Normal,
        plan.kept().isEmpty() ? REFUSED : PLANNED, cut(describe(plan)));
    Map<String, PreemptRequest.NodeVictims> kept = new LinkedHashMap<>();
    plan.kept().forEach((node, c) -> kept.put(node,
        new PreemptRequest.NodeVictims(c.victimUids(), request.candidates().get(node).pdbViolations())));
    return new PreemptResponse(kept);
  }

  /**
   * {@code node} as {@code pod} may use it: the GPUs a preempt decision freed for a pending pod of
   * equal or higher priority reserved ({@link Nominations}); {@code node} itself when none is owed.
   */
  public NodeState owedAgainst(PodInfo pod, NodeState node) {
    return nominations.held() == 0 ? node : nominations.against(pod, node, clock.instant());
  }

  /** Why {@code pod} may not use {@code node}'s owed GPUs, or empty when none is owed to another. */
  public Optional<Rejection> owedRejection(PodInfo pod, String node) {
    List<Nominations.Hold> holds = nominations.binding(pod, node, clock.instant());
    return holds.isEmpty() ? Optional.empty() : Optional.of(Nominations.rejection(holds));
  }

  /** {@code podKey} is bound: what was owed to it as a preemptor is released. */
  public void bound(String podKey) {
    nominations.release(podKey);
  }

  /** The GPUs owed to single preemptors (read by tests). */
  public Nominations nominations() {
    return nominations;
  }

  /** {@code kept n1: evict a, b (priority <= 5, 2 pods, 3.2 GPU-hours); refused n2: why}. */
  static String describe(PreemptionPlan plan) {
    StringBuilder out = new StringBuilder();
    plan.kept().values().forEach(c -> {
      out.append(out.length() == 0 ? "" : "; ").append("kept ").append(c.node()).append(": evict ")
          .append(c.units().stream().flatMap(u -> u.pods().stream()).map(Victim::key)
              .collect(Collectors.joining(", ")))
          .append(String.format(Locale.ROOT, " (highest priority %d, %d pods, %.2f GPU-hours lost%s)",
              c.cost().maxPriority(), c.cost().pods(), c.cost().gpuHoursLost(),
              c.offNode().isEmpty() ? "" : ", " + c.offNode().size() + " gang members on other nodes"));
    });
    plan.refused().forEach((node, why) ->
        out.append(out.length() == 0 ? "" : "; ").append("refused ").append(node).append(": ").append(why));
    return out.length() == 0 ? "no candidate nodes" : out.toString();
  }

  private static String cut(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }

  /** A pod named in a kept plan as a gang member is gone: evict the rest of its gang. */
  @Override
  public void gone(String podKey) {
    nominations.gone(podKey, clock.instant());
    owed.triggered(podKey, clock.instant()).ifPresent(t -> executor.execute(() -> {
      int evicted = 0;
      for (Victim v : t.rest()) {
        String why = "gang " + t.gang() + " lost member " + t.gone() + " to preemption by " + t.preemptor()
            + "; its other members are evicted with it";
        int slash = v.key().indexOf('/');
        if (evictor.evict(v.key().substring(0, slash), v.key().substring(slash + 1), v.uid(), why)) {
          evicted++;
          events.record(v.key(), EventRecorder.Type.Warning, GANG_EVICTED, why);
        }
      }
      metrics.gangRestEvicted(evicted);
    }));
  }

  @Override
  public void rebuilt(Collection<PodInfo> pods) {}

  private PreemptionPlanner.View view() {
    return new PreemptionPlanner.View() {
      @Override
      public Optional<NodeState> node(String name) {
        return state.node(name);
      }

      @Override
      public Optional<PodInfo> pod(String key) {
        return state.pod(key);
      }

      @Override
      public Collection<PodInfo> pods() {
        return state.pods();
      }
    };
  }
}
