package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.scheduler.model.PodInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one entry point of placement: the extender, the simulator and the what-if command all call
 * it. Reads immutable {@link NodeState}s, never changes them; its only state is its memos and the
 * learned {@link #workload()} (which callers feed), so for a given workload snapshot an evaluation
 * is a pure function of pod request and node state. Thread-safe.
 *
 * <p>{@link #evaluate}: a node whose topology is unknown is rejected (unresolvable: pods leaving
 * does not bring an annotation); otherwise the request kind's {@link Fit} filters and picks
 * devices, and the policy's {@link Scorer} scores the node with the pod's devices held. {@link
 * #check} is the same verdict without the score (the extender's filter). {@link #rank} evaluates
 * every node and orders the feasible ones.
 *
 * <p>Answers are memoised on the node states ({@link Query}): node states are immutable and
 * between two pods only the nodes that gained or lost a pod change, so asking about thousands of
 * nodes is mostly thousands of lookups. {@code PlacerMemoTest} pins that a memoised answer always
 * equals the fresh one ({@code evaluateNow}, {@code checkNow}).
 */
public final class Placer {
  private final Policy policy;
  private final GpuSetChooser chooser;
  private final Scorer scorer;
  private final WorkloadMix workload;
  private final Map<Class<? extends GpuRequest>, Fit<? extends GpuRequest>> fits;
  /** Most distinct rejections {@link #shared} keeps. */
  static final int MAX_SHARED = 4096;
  /** One instance per distinct rejection verdict ({@link #shared}). */
  private final ConcurrentHashMap<Rejection, Optional<Rejection>> sharedVerdicts = new ConcurrentHashMap<>();
  /** Whether a weighted score term reads the learned workload (scores then depend on its version). */
  private final boolean readsWorkload;

  public Placer(Policy policy) {
    this(policy, new WorkloadMix());
  }

  /** A placer whose {@code expected-fragmentation} term measures against {@code workload}. */
  public Placer(Policy policy, WorkloadMix workload) {
    this.policy = policy;
    this.chooser = new GpuSetChooser(policy.gpuSetCacheEntries());
    this.workload = workload;
    this.scorer = new Scorer(policy, Policy.terms(workload));
    this.fits = Map.of(
        GpuRequest.WholeGpus.class, new WholeGpuFit(chooser),
        GpuRequest.MigInstances.class, new MigFit(),
        GpuRequest.GpuShare.class, new ShareFit(chooser));
    this.readsWorkload = policy.weights().get(ExpectedFragmentation.NAME) > 0;
  }

  public Policy policy() {
    return policy;
  }

  /**
   * The typical workload this placer's {@code expected-fragmentation} term measures against. Callers
   * that place pods (extender, simulator) call {@code workload().observe(request)} once per pod; until
   * then that term does not apply. Observing is the only state a placer keeps besides its memo.
   */
  public WorkloadMix workload() {
    return workload;
  }

  /** The GPU-set chooser (and its memo) this placer uses. */
  public GpuSetChooser chooser() {
    return chooser;
  }

  /**
   * Whether {@code node} can take {@code pod}, which devices it would get and the node's score.
   * To let a gang member use its gang's reservation, pass {@code node.withoutReservation(owner)}.
   * Memoised on the node state, as every {@link Query} answer; to ask about many nodes, use
   * {@link #query}.
   *
   * @throws IllegalArgumentException when the pod requests no managed resource
   * @throws io.topogpu.scheduler.ledger.AllocationConflict when the pod already holds devices on
   *     {@code node} (pass {@code node.without(pod.key())} to evaluate it as if moved)
   */
  public NodeEvaluation evaluate(PodInfo pod, NodeState node) {
    return query(pod).evaluate(node);
  }

  /**
   * Why {@code node} cannot take {@code pod}, or empty when it can: always {@code
   * evaluate(pod, node).rejection()}, but without building the post-placement state or scoring,
   * which is all a filter needs (scores are asked for the survivors only).
   *
   * @throws IllegalArgumentException when the pod requests no managed resource
   */
  public Optional<Rejection> check(PodInfo pod, NodeState node) {
    return query(pod).check(node);
  }

  /**
   * {@link #evaluate} and {@link #check} of one pod, for asking about many nodes: what identifies
   * the pod's kind of request is resolved once, so each node costs a memo lookup on its state
   * ({@link NodeState#derived}) unless that state has not been asked about this kind yet.
   *
   * @throws IllegalArgumentException when the pod requests no managed resource
   */
  public Query query(PodInfo pod) {
    return new Query(pod, managedRequest(pod));
  }

  /**
   * The memoised verdicts on one pod. The same kind of request on the same node state gets the
   * same answer whatever the pod is called, so answers are kept on the state under a canonical
   * {@link Verdict} key; a pod that already holds devices on a node is evaluated afresh there (and
   * fails, see {@link #evaluate}). Not thread-safe: one per request.
   */
  public final class Query {
    private final PodInfo pod;
    private final GpuRequest request;
    private final String podKey;
    private final Verdict checkKey;
    private Verdict evaluateKey;

    private Query(PodInfo pod, GpuRequest request) {
      this.pod = pod;
      this.request = request;
      this.podKey = pod.key();
      this.checkKey = canonical(new Verdict(false, request, pod.placement().linkConstraint(),
          Optional.empty(), 0));
    }

    /** {@link Placer#check} of this pod on {@code node}. */
    public Optional<Rejection> check(NodeState node) {
      Optional<Rejection> known = node.derivedIfKnown(checkKey);
      return known != null
          ? known
          : node.derived(checkKey, () -> checkNow(request, checkKey.constraint(), node));
    }

    /** {@link Placer#evaluate} of this pod on {@code node}. */
    public NodeEvaluation evaluate(NodeState node) {
      if (!node.pods().isEmpty() && node.pods().containsKey(podKey)) {
        return evaluateNow(pod, request, node);
      }
      long version = workloadVersion(request);
      Verdict key = evaluateKey;
      if (key == null || key.workloadVersion() != version) {
        key = canonical(new Verdict(true, request, pod.placement().linkConstraint(),
            pod.placement().preferred(), version));
        evaluateKey = key;
      }
      NodeEvaluation known = node.derivedIfKnown(key);
      return known != null ? known : node.derived(key, () -> evaluateNow(pod, request, node));
    }
  }

  /** {@link #evaluate} without the memo: the reference the memo must always agree with. */
  NodeEvaluation evaluateNow(PodInfo pod, GpuRequest request, NodeState node) {
    Fit.Result r = fit(request, pod, node);
    if (r.rejection().isPresent()) {
      return NodeEvaluation.rejected(node.name(), r.rejection().get());
    }
    Assignment a = r.assignment().orElseThrow();
    NodeState after = node.with(pod.key(), a);
    ScoreContext c = new ScoreContext(pod, request, node, after, a, r.chosen(), r.ideal());
    return NodeEvaluation.feasible(a, r.chosen(), scorer.score(c));
  }

  /** {@link #check} without the memo. */
  Optional<Rejection> checkNow(GpuRequest request, LinkConstraint constraint, NodeState node) {
    if (node.topology().isEmpty()) {
      return Optional.of(topologyUnknown(node));
    }
    return shared(fits(request).reject(request, constraint, node));
  }

  /**
   * One instance per distinct verdict: thousands of nodes share a handful of rejections, so the
   * memoised verdicts point at a few objects instead of one copy per node (less memory, and
   * readers such as the extender's wire conversion meet the same few objects over and over).
   * Bounded: past {@value #MAX_SHARED} distinct verdicts new ones are returned as they are.
   */
  private Optional<Rejection> shared(Optional<Rejection> verdict) {
    if (verdict.isEmpty()) {
      return verdict;
    }
    Optional<Rejection> known = sharedVerdicts.get(verdict.get());
    if (known != null) {
      return known;
    }
    if (sharedVerdicts.size() >= MAX_SHARED) {
      return verdict;
    }
    Optional<Rejection> raced = sharedVerdicts.putIfAbsent(verdict.get(), verdict);
    return raced == null ? verdict : raced;
  }

  /**
   * Everything a verdict depends on besides the node state and this placer, and nothing else
   * (never the pod's name, so every pod of a kind shares it): whether it is a scored evaluation or
   * a filter check, what {@link Fit} and the score terms read from the pod (request, required link
   * level, preferred level), and the version of the learned workload for scores that read it (0
   * when none does). Each placer hands out one canonical instance per value ({@link #canonical}),
   * the identity {@link NodeState#derived} compares, so two placers never share answers.
   *
   * <p>A workload refresh while an evaluation runs may leave a score of the newer workload under
   * the older version; only calls that read the older version before the refresh, i.e. calls
   * concurrent with it, can see that entry, and unmemoised they could have scored against either.
   */
  private record Verdict(boolean scored, GpuRequest request, LinkConstraint constraint,
      Optional<String> preferred, long workloadVersion) {}

  /** Most canonical keys kept; when full the table starts over (old keys only miss the memo). */
  static final int MAX_VERDICT_KEYS = 1024;
  private final ConcurrentHashMap<Verdict, Verdict> verdictKeys = new ConcurrentHashMap<>();

  private Verdict canonical(Verdict key) {
    Verdict known = verdictKeys.get(key);
    if (known != null) {
      return known;
    }
    if (verdictKeys.size() >= MAX_VERDICT_KEYS) {
      verdictKeys.clear();
    }
    Verdict raced = verdictKeys.putIfAbsent(key, key);
    return raced == null ? key : raced;
  }

  /** The workload version scores of {@code request} depend on; 0 when no weighted term reads it. */
  private long workloadVersion(GpuRequest request) {
    return readsWorkload && !(request instanceof GpuRequest.MigInstances)
        ? workload.snapshot().version() : 0;
  }

  /** Evaluates every node; feasible ones ranked best first. */
  public Decision rank(PodInfo pod, Collection<NodeState> nodes) {
    List<NodeEvaluation> feasible = new ArrayList<>();
    List<NodeEvaluation> rejected = new ArrayList<>();
    Query query = query(pod);
    for (NodeState n : nodes) {
      NodeEvaluation e = query.evaluate(n);
      (e.feasible() ? feasible : rejected).add(e);
    }
    return new Decision(pod.key(), feasible, rejected);
  }

  /**
   * The devices to count against {@code node} for a pod bound there without a {@code
   * topogpu.io/gpus} annotation (a {@link io.topogpu.scheduler.ledger.Attributor}).
   *
   * <p>Rule: the pod is taken to hold exactly what topogpu itself would have given it on the node
   * as it is now, ignoring placement constraints: for whole GPUs the best-connected free set. This
   * is the conservative choice for everyone else: it assumes the other scheduler (or the device
   * plugin's own preferred allocation, which also favours well-connected sets) took the best GPUs,
   * so topogpu never promises a pending pod a link quality that may not be there; and it pins real
   * indices, so the free count and the NVLink-domain checks stay exact. Deterministic: the ledger
   * replays such pods in namespace/name order after every annotated pod.
   */
  public Optional<Assignment> attribute(PodInfo pod, NodeState node) {
    if (pod.request().isEmpty() || node.topology().isEmpty()) {
      return Optional.empty();
    }
    GpuRequest request = pod.request().get();
    return fits(request).fit(request, LinkConstraint.NONE, node).assignment();
  }

  private static GpuRequest managedRequest(PodInfo pod) {
    return pod.request().orElseThrow(() -> new IllegalArgumentException(
        "pod " + pod.key() + " requests no GPU resource topogpu places"));
  }

  /** A node whose topology is unknown is rejected; otherwise the request kind's fit decides. */
  private Fit.Result fit(GpuRequest request, PodInfo pod, NodeState node) {
    if (node.topology().isEmpty()) {
      return Fit.Result.reject(topologyUnknown(node));
    }
    return fits(request).fit(request, pod.placement().linkConstraint(), node);
  }

  /** Unresolvable: pods leaving does not bring a topology annotation. */
  private static Rejection topologyUnknown(NodeState node) {
    return Rejections.topologyUnknown(node.node().topologyProblem());
  }

  @SuppressWarnings("unchecked")
  private <R extends GpuRequest> Fit<R> fits(R request) {
    return (Fit<R>) fits.get(request.getClass());
  }
}
