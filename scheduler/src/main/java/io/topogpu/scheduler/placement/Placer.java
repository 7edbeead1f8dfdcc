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

/**
 * The one entry point of placement: the extender, the simulator and the what-if command all call
 * it. Reads immutable {@link NodeState}s, never changes them; its only state is the GPU-set memo and
 * the learned {@link #workload()} (which callers feed), so for a given workload snapshot an evaluation
 * is a pure function of pod request and node state. Thread-safe.
 *
 * <p>{@link #evaluate}: a node whose topology is unknown is rejected (unresolvable: pods leaving
 * does not bring an annotation); otherwise the request kind's {@link Fit} filters and picks
 * devices, and the policy's {@link Scorer} scores the node with the pod's devices held. {@link
 * #check} is the same verdict without the score (the extender's filter). {@link #rank} evaluates
 * every node and orders the feasible ones.
 */
public final class Placer {
  private final Policy policy;
  private final GpuSetChooser chooser;
  private final Scorer scorer;
  private final WorkloadMix workload;
  private final Map<Class<? extends GpuRequest>, Fit<? extends GpuRequest>> fits;

  public Placer(Policy policy) {
    this.policy = policy;
    this.chooser = new GpuSetChooser(policy.gpuSetCacheEntries());
    this.workload = new WorkloadMix();
    this.scorer = new Scorer(policy, Policy.terms(workload));
    this.fits = Map.of(
        GpuRequest.WholeGpus.class, new WholeGpuFit(chooser),
        GpuRequest.MigInstances.class, new MigFit(),
        GpuRequest.GpuShare.class, new ShareFit(chooser));
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
   *
   * @throws IllegalArgumentException when the pod requests no managed resource
   */
  public NodeEvaluation evaluate(PodInfo pod, NodeState node) {
    GpuRequest request = managedRequest(pod);
    Fit.Result r = fit(request, pod, node);
    if (r.rejection().isPresent()) {
      return NodeEvaluation.rejected(node.name(), r.rejection().get());
    }
    Assignment a = r.assignment().orElseThrow();
    NodeState after = node.with(pod.key(), a);
    ScoreContext c = new ScoreContext(pod, request, node, after, a, r.chosen(), r.ideal());
    return NodeEvaluation.feasible(a, r.chosen(), scorer.score(c));
  }

  /**
   * Why {@code node} cannot take {@code pod}, or empty when it can: always {@code
   * evaluate(pod, node).rejection()}, but without building the post-placement state or scoring,
   * which is all a filter needs (scores are asked for the survivors only).
   *
   * @throws IllegalArgumentException when the pod requests no managed resource
   */
  public Optional<Rejection> check(PodInfo pod, NodeState node) {
    GpuRequest request = managedRequest(pod);
    if (node.topology().isEmpty()) {
      return Optional.of(topologyUnknown(node));
    }
    return fits(request).reject(request, pod.placement().linkConstraint(), node);
  }

  /** Evaluates every node; feasible ones ranked best first. */
  public Decision rank(PodInfo pod, Collection<NodeState> nodes) {
    List<NodeEvaluation> feasible = new ArrayList<>();
    List<NodeEvaluation> rejected = new ArrayList<>();
    for (NodeState n : nodes) {
      NodeEvaluation e = evaluate(pod, n);
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
