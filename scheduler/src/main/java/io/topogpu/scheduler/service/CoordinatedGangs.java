package io.topogpu.scheduler.service;

import io.topogpu.scheduler.bind.BindException;
import io.topogpu.scheduler.bind.BindTarget;
import io.topogpu.scheduler.bind.Binder;
import io.topogpu.scheduler.extender.BindResponse;
import io.topogpu.scheduler.extender.FilterResponse;
import io.topogpu.scheduler.extender.NodeRejection;
import io.topogpu.scheduler.gang.GangCoordinator;
import io.topogpu.scheduler.gang.GangEvents;
import io.topogpu.scheduler.gang.GangFilterResult;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.gang.GangRejection;
import io.topogpu.scheduler.gang.GangResolution;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Rejection;
import io.topogpu.scheduler.placement.WorkloadMix;
import io.topogpu.scheduler.state.ClusterState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link GangHook} on a {@link GangCoordinator}: translates its verdicts to the extender's
 * answers and writes gang binds once the barrier opens.
 *
 * <ul>
 *   <li>filter: a planned member passes only its planned node (every other node: {@value
 *       #PLANNED_ELSEWHERE}, resolvable); a gang that cannot be placed rejects every node with the
 *       gang's one reason ({@value #GANG_UNSCHEDULABLE}, unresolvable when no waiting can help); a
 *       gang whose size is unknown rejects every node ({@value #GANG_SIZE_UNKNOWN}) and records an
 *       event;
 *   <li>bind: waits at the barrier without holding a request thread; when it opens, the whole
 *       opening is written once through the {@link Binder} on {@code writers} ({@link GangCommit}):
 *       every member's devices recorded first, then every binding posted, or none. Each member's
 *       answer comes from that shared outcome;
 *   <li>a bind retried for a member that already holds its devices on that node re-writes
 *       idempotently (the binder does nothing if the pod is bound).
 * </ul>
 */
public final class CoordinatedGangs implements GangHook {
  private static final Logger log = LoggerFactory.getLogger(CoordinatedGangs.class);
  public static final String PLANNED_ELSEWHERE = "GangPlannedElsewhere";
  public static final String GANG_UNSCHEDULABLE = "GangUnschedulable";
  public static final String GANG_SIZE_UNKNOWN = "GangSizeUnknown";

  private final GangCoordinator coordinator;
  private final GangIdentities identities;
  private final ClusterState state;
  private final Binder binder;
  private final GangEvents events;
  private final GangCommit commit;

  /** @param workload the placer's learned workload, fed one observation per member that is bound */
  public CoordinatedGangs(GangCoordinator coordinator, GangIdentities identities, ClusterState state, Binder binder,
      GangEvents events, Executor writers, WorkloadMix workload) {
    this.coordinator = coordinator;
    this.identities = identities;
    this.state = state;
    this.binder = binder;
    this.events = events;
    this.commit = new GangCommit(coordinator, state, binder, events, writers, workload);
  }

  @Override
  public Optional<List<PodInfo>> openMembers(PodInfo pod) {
    return coordinator.openMembers(pod);
  }

  @Override
  public boolean holdForPreemption(PodInfo pod, Set<String> nodes) {
    return coordinator.holdForPreemption(pod, nodes);
  }

  @Override
  public boolean isGangMember(PodInfo pod) {
    return !(identities.resolve(pod) instanceof GangResolution.Single);
  }

  @Override
  public Optional<FilterResponse> filter(PodInfo pod, List<String> nodeNames) {
    GangFilterResult r = coordinator.filter(pod, nodeNames);
    if (r instanceof GangFilterResult.Single) {
      return Optional.empty();
    }
    if (r instanceof GangFilterResult.Unresolved u) {
      events.sizeUnknown(pod.key(), u.message());
      return Optional.of(rejectAll(nodeNames, NodeRejection.unresolvable(GANG_SIZE_UNKNOWN, u.message())));
    }
    if (r instanceof GangFilterResult.Rejected rejected) {
      GangRejection g = rejected.rejection();
      return Optional.of(rejectAll(nodeNames, g.resolvable()
          ? NodeRejection.resolvable(GANG_UNSCHEDULABLE, g.reason())
          : NodeRejection.unresolvable(GANG_UNSCHEDULABLE, g.reason())));
    }
    GangFilterResult.Planned planned = (GangFilterResult.Planned) r;
    Map<String, NodeRejection> others = new LinkedHashMap<>();
    nodeNames.stream().filter(n -> !n.equals(planned.node())).forEach(n -> others.put(n,
        NodeRejection.resolvable(PLANNED_ELSEWHERE, "gang " + planned.gang() + " has this member planned on node "
            + planned.node())));
    List<String> feasible = nodeNames.contains(planned.node()) ? List.of(planned.node()) : List.of();
    return Optional.of(FilterResponse.of(feasible, others));
  }

  @Override
  public Optional<CompletionStage<BindResponse>> bind(PodInfo pod, String node) {
    if (!pod.managed() || !(identities.resolve(pod) instanceof GangResolution.Member)) {
      return Optional.empty();
    }
    Optional<CompletableFuture<Map<String, BindResponse>>> writing = commit.inFlight(pod.key());
    if (writing.isPresent()) {
      return Optional.of(writing.get().thenApply(answers -> answers.get(pod.key()))
          .exceptionally(e -> BindResponse.failed(cause(e).getMessage())));
    }
    Optional<Assignment> held = state.holding(pod.key());
    if (held.isPresent()) {
      return Optional.of(CompletableFuture.completedFuture(held.get().node().equals(node)
          ? rewrite(pod, node, held.get())
          : BindResponse.failed("pod " + pod.key() + " already holds GPUs on node " + held.get().node())));
    }
    return Optional.of(coordinator.arriveAtBind(pod.key(), node)
        .thenCompose(start -> commit.join(start, pod.key()))
        .thenApply(answers -> answers.get(pod.key()))
        .exceptionally(e -> BindResponse.failed(cause(e).getMessage())));
  }

  @Override
  public Optional<Rejection> heldAgainst(PodInfo pod, String node) {
    return coordinator.heldAgainst(pod, node);
  }

  /** A retried bind of a member that already holds its devices there: written again, idempotently. */
  private BindResponse rewrite(PodInfo pod, String node, Assignment a) {
    try {
      binder.bind(new BindTarget(pod.namespace(), pod.name(), pod.uid(), node, Optional.of(a)));
    } catch (BindException e) {
      log.warn("gang bind of {} to {} failed: {}", pod.key(), node, e.getMessage());
      return BindResponse.failed(e.getMessage());
    }
    state.recordBound(pod, node, Optional.of(a));
    return BindResponse.bound();
  }

  private static FilterResponse rejectAll(List<String> nodeNames, NodeRejection why) {
    Map<String, NodeRejection> all = new LinkedHashMap<>();
    nodeNames.forEach(n -> all.put(n, why));
    return FilterResponse.of(List.of(), all);
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
