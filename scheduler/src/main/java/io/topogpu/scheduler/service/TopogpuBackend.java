package io.topogpu.scheduler.service;

import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.core.instrument.MeterRegistry;
import io.topogpu.scheduler.metrics.AllocationStats;
import io.topogpu.scheduler.bind.BindException;
import io.topogpu.scheduler.bind.BindTarget;
import io.topogpu.scheduler.bind.Binder;
import io.topogpu.scheduler.extender.BindRequest;
import io.topogpu.scheduler.extender.BindResponse;
import io.topogpu.scheduler.extender.ExtenderBackend;
import io.topogpu.scheduler.extender.FilterRequest;
import io.topogpu.scheduler.extender.FilterResponse;
import io.topogpu.scheduler.extender.HostPriority;
import io.topogpu.scheduler.extender.NodeRejection;
import io.topogpu.scheduler.extender.PreemptRequest;
import io.topogpu.scheduler.extender.PreemptResponse;
import io.topogpu.scheduler.extender.Readiness;
import io.topogpu.scheduler.kube.KubeObjectException;
import io.topogpu.scheduler.kube.KubeObjects;
import io.topogpu.scheduler.ledger.NodeLookup;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Rejection;
import io.topogpu.scheduler.state.Claim;
import io.topogpu.scheduler.state.ClusterState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extender verbs on the placement core: decodes the pod once ({@link KubeObjects}), asks the
 * {@link Placer} about each node's immutable {@link NodeState}, and binds through a {@link Binder}.
 *
 * <p>Documented answers for what the core cannot decide:
 *
 * <ul>
 *   <li>a pod that requests no managed resource is not topogpu's: every node passes filter and
 *       scores 0, bind refuses it (kube-scheduler never sends it: it is not interested);
 *   <li>a pod that does not decode (two GPU kinds, a malformed annotation): filter {@code Error}
 *       naming the field, no scores, bind {@code Error};
 *   <li>a node name not in the cache: rejected with reason {@value #NODE_NOT_IN_CACHE} (resolvable:
 *       the node may just be new), never scored;
 *   <li>bind of a pod not in the cache: {@code Error} "pod ... is not in topogpu's cache";
 *       kube-scheduler requeues the pod and the informer catches up meanwhile. With {@link
 *       PodDiscovery#FROM_REQUESTS} (snapshot mode, where no informer announces new pods) a pod
 *       is remembered from its filter request ({@link RequestedPods}, bounded, never in the
 *       ledger): filter and prioritize never change the ledger;
 *   <li>bind of a pod topogpu did not place (another scheduler's, no GPU request, never
 *       filtered, wrong or missing UID) or to an unknown node: {@code Error} ({@link BindGuard}).
 * </ul>
 *
 * <p>GPUs owed to a preemptor ({@link Preemptions#owedAgainst}: a single pod whose preempt
 * decision chose victims on the node, while they leave) are closed to every other pod of equal or
 * lower priority in filter, prioritize and bind; a pod that would fit but for them is rejected with
 * {@code nominated-for-preemptor} (resolvable). The hold ends when the preemptor binds.
 *
 * <p>Bind: the GPU set is fixed at bind against the freshest state, not taken from filter (other
 * pods may have been bound since): {@link ClusterState#claim} evaluates and holds the devices in
 * one atomic step, then the binder writes; if it fails the claim is rolled back. A retried bind for
 * a pod that already holds devices on that node succeeds without new writes; two binds of the same
 * pod at once are refused for the second. Every pod bound with devices is counted once in the
 * placer's learned workload ({@code placer.workload().observe}), which the {@code
 * expected-fragmentation} score term measures against.
 */
public final class TopogpuBackend implements ExtenderBackend {
  private static final Logger log = LoggerFactory.getLogger(TopogpuBackend.class);
  public static final String NODE_NOT_IN_CACHE = "NodeNotInCache";
  static final String NODE_NOT_IN_CACHE_MESSAGE = "node not in topogpu's cache";
  private static final NodeRejection NOT_IN_CACHE =
      NodeRejection.resolvable(NODE_NOT_IN_CACHE, NODE_NOT_IN_CACHE_MESSAGE);

  private final ClusterState state;
  private final Placer placer;
  private final Binder binder;
  private final GangHook gangs;
  private final PodDiscovery discovery;
  private final Preemptions preemptions;
  private final BindGuard guard;
  private final RequestedPods requested = new RequestedPods();
  private final Set<String> bindsInFlight = ConcurrentHashMap.newKeySet();

  /** How the backend learns that a pod exists. */
  public enum PodDiscovery {
    /** Only from the state source (informers): the API server is the truth. */
    FROM_SOURCE,
    /** Also from filter requests: for a snapshot, which knows no pod created after it. */
    FROM_REQUESTS
  }

  /** A backend whose preemption records no events, evicts no gang rest and meters nowhere. */
  public TopogpuBackend(
      ClusterState state, Placer placer, Binder binder, GangHook gangs, PodDiscovery discovery) {
    this(state, placer, binder, gangs, discovery, Preemptions.quiet(state, placer),
        new BindGuard(BindGuard.DEFAULT_SCHEDULER_NAME));
  }

  /** A backend with preemption and the default bind checks. */
  public TopogpuBackend(ClusterState state, Placer placer, Binder binder, GangHook gangs,
      PodDiscovery discovery, Preemptions preemptions) {
    this(state, placer, binder, gangs, discovery, preemptions, new BindGuard(BindGuard.DEFAULT_SCHEDULER_NAME));
  }

  /** A backend with quiet preemption and the given bind checks. */
  public TopogpuBackend(ClusterState state, Placer placer, Binder binder, GangHook gangs,
      PodDiscovery discovery, BindGuard guard) {
    this(state, placer, binder, gangs, discovery, Preemptions.quiet(state, placer), guard);
  }

  public TopogpuBackend(ClusterState state, Placer placer, Binder binder, GangHook gangs,
      PodDiscovery discovery, Preemptions preemptions, BindGuard guard) {
    this.guard = guard;
    this.state = state;
    this.placer = placer;
    this.binder = binder;
    this.gangs = gangs;
    this.discovery = discovery;
    this.preemptions = preemptions;
  }

  /**
   * Preempt: the {@link Preemptions} decision for a single GPU pod. kube-scheduler's proposal is
   * kept unchanged for a pod topogpu does not place. For a gang member kube-scheduler is told to
   * evict nothing (one member at a time could free room for part of a gang only): the gang's
   * preemption is planned whole and carried out by the extender ({@link Preemptions#preemptGang}).
   */
  @Override
  public PreemptResponse preempt(PreemptRequest request) {
    PodInfo pod = decode(request.pod());
    if (!pod.managed()) {
      return PreemptResponse.unchanged(request);
    }
    if (gangs.isGangMember(pod)) {
      return preemptions.preemptGang(pod, gangs);
    }
    return preemptions.preempt(pod, request);
  }

  @Override
  public FilterResponse filter(FilterRequest request) {
    PodInfo pod;
    try {
      pod = decode(request.pod());
    } catch (KubeObjectException e) {
      return FilterResponse.failed(e.getMessage());
    }
    if (discovery == PodDiscovery.FROM_REQUESTS && state.pod(pod.key()).isEmpty()) {
      requested.remember(pod);
    }
    if (!pod.managed()) {
      return FilterResponse.allFeasible(request.nodeNames());
    }
    guard.filtered(pod);
    Optional<FilterResponse> gang = gangs.filter(pod, request.nodeNames());
    if (gang.isPresent()) {
      return gang.get();
    }
    // one verdict per request node, in request order: the HTTP layer pairs them by position
    FilterResponse.Builder verdicts = FilterResponse.inRequestOrder(request.nodeNames().size());
    WireRejections wire = new WireRejections();
    Mover mover = new Mover(pod);
    Placer.Query query = placer.query(pod);
    List<String> names = request.nodeNames();
    // the same names as the previous call are not hashed again (Ledger#lookup)
    NodeLookup nodes = state.lookup(names);
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      NodeState node = nodes.at(i);
      if (node == null) {
        verdicts.reject(name, NOT_IN_CACHE);
        continue;
      }
      Optional<Rejection> held = gangs.heldAgainst(pod, name);
      if (held.isPresent()) {
        verdicts.reject(name, wire.of(held.get()));
        continue;
      }
      NodeState seen = mover.without(node);
      NodeState owed = preemptions.owedAgainst(pod, seen);
      Optional<Rejection> no = query.check(owed);
      if (no.isPresent() && owed != seen && query.check(seen).isEmpty()) {
        no = preemptions.owedRejection(pod, name); // it would fit but for GPUs owed to a preemptor
      }
      if (no.isEmpty()) {
        verdicts.pass(name);
      } else {
        verdicts.reject(name, wire.of(no.get()));
      }
    }
    return verdicts.build();
  }

  @Override
  public List<HostPriority> prioritize(FilterRequest request) {
    PodInfo pod;
    try {
      pod = decode(request.pod());
    } catch (KubeObjectException e) {
      // its filter already answered the Error naming the field; prioritize has no error field
      log.debug("prioritize: {}", e.getMessage());
      return List.of();
    }
    List<HostPriority> scores = new ArrayList<>(request.nodeNames().size());
    if (!pod.managed()) {
      for (String name : request.nodeNames()) {
        scores.add(new HostPriority(name, HostPriority.MIN_SCORE));
      }
      return scores;
    }
    Mover mover = new Mover(pod);
    Placer.Query query = placer.query(pod);
    for (String name : request.nodeNames()) {
      Optional<NodeState> node = state.node(name);
      if (node.isPresent()) {
        scores.add(new HostPriority(name,
            query.evaluate(preemptions.owedAgainst(pod, mover.without(node.get()))).points()));
      }
    }
    return scores;
  }

  /**
   * Filter and prioritize judge a pod as if it held nothing yet ({@code node.without(pod)}): a
   * pod asked about again (a retried bind, a pod moved by a rescheduling) is not in its own way.
   * The ledger knows the one node where the pod holds devices, if any, so every other node's
   * state is used as it is, which keeps its memoised verdicts ({@link NodeState#derived}).
   */
  private final class Mover {
    private final String key;
    private final String heldOn;

    Mover(PodInfo pod) {
      this.key = pod.key();
      this.heldOn = state.holding(key).map(Assignment::node).orElse(null);
    }

    NodeState without(NodeState node) {
      return heldOn != null && heldOn.equals(node.name()) ? node.without(key) : node;
    }
  }

  @Override
  public CompletionStage<BindResponse> bind(BindRequest request) {
    String key = request.podNamespace() + "/" + request.podName();
    Optional<PodInfo> cached = state.pod(key);
    if (cached.isEmpty() && discovery == PodDiscovery.FROM_REQUESTS) {
      cached = requested.get(key);
    }
    if (cached.isEmpty()) {
      return done(
          BindResponse.failed(
              "pod "
                  + key
                  + " is not in topogpu's cache (not created yet, already deleted, or not yet"
                  + " seen by the informer)"));
    }
    PodInfo pod = cached.get();
    Optional<String> refused =
        guard.refusal(request, pod, state.node(request.node()).isPresent());
    if (refused.isPresent()) {
      log.warn("bind of {} to {} refused: {}", key, request.node(), refused.get());
      return done(BindResponse.failed(refused.get()));
    }
    Optional<CompletionStage<BindResponse>> gang = gangs.bind(pod, request.node());
    if (gang.isPresent()) {
      return gang.get();
    }
    if (!bindsInFlight.add(key)) {
      return done(BindResponse.failed("a bind of pod " + key + " is already in progress"));
    }
    try {
      return done(bindOne(pod, request.node()));
    } finally {
      bindsInFlight.remove(key);
    }
  }

  private BindResponse bindOne(PodInfo pod, String node) {
    Claim claim = state.claim(pod, node, n -> placer.evaluate(pod, preemptions.owedAgainst(pod, n)));
    if (claim instanceof Claim.Refused refused) {
      return BindResponse.failed(refused.reason());
    }
    if (claim instanceof Claim.AlreadyHeld held) {
      return held.assignment().node().equals(node)
          ? BindResponse.bound()
          : BindResponse.failed(
              "pod " + pod.key() + " already holds GPUs on node " + held.assignment().node());
    }
    Assignment granted = ((Claim.Granted) claim).assignment();
    BindResponse response = write(pod, node, Optional.of(granted));
    if (response.error().isPresent()) {
      state.release(pod.key(), granted);
    } else {
      placer.workload().observe(pod.request().orElseThrow());
      preemptions.bound(pod.key());
    }
    return response;
  }

  private BindResponse write(PodInfo pod, String node, Optional<Assignment> devices) {
    try {
      binder.bind(new BindTarget(pod.namespace(), pod.name(), pod.uid(), node, devices));
    } catch (BindException e) {
      log.warn("bind of {} to {} failed: {}", pod.key(), node, e.getMessage());
      return BindResponse.failed(e.getMessage());
    }
    state.recordBound(pod, node, devices);
    requested.forget(pod.key());
    return BindResponse.bound();
  }

  @Override
  public OptionalInt knownNodes() {
    return OptionalInt.of(state.nodeCount());
  }

  @Override
  public Readiness readiness() {
    return state.readiness();
  }

  /**
   * Whole GPUs allocated and free in the ledger ({@value ExtenderMetrics#LEDGER_GPUS}), and the
   * pod informer's lag ({@value ExtenderMetrics#INFORMER_LAG}, from a bind to its echo).
   */
  @Override
  public void bindTo(ExtenderMetrics metrics) {
    bindTo(metrics.registry());
    metrics.registerAllocation(() -> AllocationStats.of(state.nodes()));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    ExtenderMetrics.registerLedgerGpus(
        registry,
        "allocated",
        () ->
            state.nodes().stream()
                .mapToLong(n -> Long.bitCount(n.placeableMask() & ~n.freeMask()))
                .sum());
    ExtenderMetrics.registerLedgerGpus(
        registry,
        "free",
        () -> state.nodes().stream().mapToLong(n -> Long.bitCount(n.freeMask())).sum());
    ExtenderMetrics.registerInformerLag(registry, "pods", state::informerLagSeconds);
    ExtenderMetrics.registerUnreadableAssignments(registry, state::unreadableAssignments);
    ExtenderMetrics.registerAllocationMismatches(registry, state::allocationMismatches);
  }

  private static PodInfo decode(Pod pod) {
    try {
      return KubeObjects.toPodInfo(pod);
    } catch (KubeObjectException e) {
      String name = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      throw new KubeObjectException("pod " + name + ": " + e.getMessage());
    }
  }

  /**
   * Wire forms of the rejections of one filter call, each distinct (code, reason, resolvable)
   * converted once: thousands of rejected nodes share a handful of causes, and the wire form
   * carries no node-specific detail. Looked up by identity first: the placer hands out one shared
   * instance per distinct rejection, so most nodes' rejections are the same few objects.
   */
  private static final class WireRejections {
    private record Cause(String code, String reason, boolean resolvable) {}

    private final Map<Cause, NodeRejection> converted = new HashMap<>();
    private final Map<Rejection, NodeRejection> seen = new IdentityHashMap<>();

    private Rejection last;
    private NodeRejection lastWire;

    NodeRejection of(Rejection r) {
      if (r == last) { // rejected nodes come in runs of the same shared rejection
        return lastWire;
      }
      NodeRejection known = seen.get(r);
      if (known == null) {
        known = converted.computeIfAbsent(
            new Cause(r.code(), r.reason(), r.resolvable()), c -> toWire(r));
        seen.put(r, known);
      }
      last = r;
      lastWire = known;
      return known;
    }
  }

  /** {@code insufficient-nvlink} → {@code InsufficientNvlink}: the wire's reason-code form. */
  static NodeRejection toWire(Rejection r) {
    StringBuilder code = new StringBuilder();
    for (String part : r.code().split("-")) {
      if (!part.isEmpty()) {
        code.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return new NodeRejection(code.toString(), r.reason(), !r.resolvable());
  }

  private static CompletionStage<BindResponse> done(BindResponse r) {
    return CompletableFuture.completedFuture(r);
  }
}
