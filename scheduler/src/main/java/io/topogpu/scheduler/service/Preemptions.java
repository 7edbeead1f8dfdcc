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
import io.topogpu.scheduler.preempt.GangEvictions;
import io.topogpu.scheduler.preempt.PreemptionPlan.NodeChoice;
import io.topogpu.scheduler.preempt.PreemptionPlan;
import io.topogpu.scheduler.preempt.PreemptionPlanner;
import io.topogpu.scheduler.preempt.Victim;
import io.topogpu.scheduler.state.ClusterState;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

  public Preemptions(ClusterState state, PreemptionPlanner planner, GangEvictions owed,
      PodEvictor evictor, EventRecorder events, PreemptionMetrics metrics, InstantSource clock,
      Executor executor) {
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
    return new Preemptions(state, new PreemptionPlanner(placer, gangOf(GangIdentities.withoutPodGroups())),
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

  /** Records why a gang member's preempt call kept no node. */
  public void refuseGangMember(PodInfo pod) {
    metrics.decided(false, 0, 0);
    events.record(pod.key(), EventRecorder.Type.Normal, REFUSED, "the pod is a gang member: topogpu"
        + " does not preempt for one member at a time, which could make room for part of the gang only");
  }

  public PreemptResponse preempt(PodInfo preemptor, PreemptRequest request) {
    Map<String, List<String>> proposed = new LinkedHashMap<>();
    request.candidates().forEach((node, v) -> proposed.put(node, v.uids()));
    PreemptionPlan plan = planner.plan(preemptor, proposed, view(), clock.instant());
    owed.remember(plan, clock.instant());
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
