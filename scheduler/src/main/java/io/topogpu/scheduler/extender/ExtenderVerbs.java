package io.topogpu.scheduler.extender;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.topogpu.scheduler.metrics.ExtenderMetrics.Decision;
import io.topogpu.scheduler.metrics.ExtenderMetrics.Outcome;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extender verbs without HTTP: decode the body, call the {@link ExtenderBackend}, encode
 * the wire answer. Malformed bodies throw {@link BadRequestException} (HTTP 400); every backend
 * failure becomes the verb's logical-failure answer (HTTP 200), as kube-scheduler expects:
 *
 * <ul>
 *   <li>filter: {@code Error} set, no node passes;
 *   <li>prioritize: an empty list (the protocol has no error field; kube-scheduler would ignore a
 *       failed prioritize anyway, and nodes left out get no extender score);
 *   <li>bind: {@code Error} set;
 *   <li>preempt: an empty map, so kube-scheduler preempts nowhere this cycle (the protocol has no
 *       error field; evicting on a proposal the backend could not check would risk victims lost for
 *       nothing).
 * </ul>
 *
 * Until the backend is ready every verb answers its logical failure with the readiness reason
 * (decision {@code not_ready}): a ledger that is not rebuilt yet could hand out GPUs that are
 * taken, and a filter error makes kube-scheduler retry the pod with back-off.
 */
final class ExtenderVerbs {
  private static final Logger log = LoggerFactory.getLogger(ExtenderVerbs.class);

  /** An encoded answer and how the call ended. */
  record Answer(byte[] body, Outcome outcome) {}

  private final ExtenderBackend backend;
  private final WireCodec codec;
  private final ExtenderMetrics metrics;

  ExtenderVerbs(ExtenderBackend backend, WireCodec codec, ExtenderMetrics metrics) {
    this.backend = backend;
    this.codec = codec;
    this.metrics = metrics;
  }

  Answer filter(InputStream body) {
    FilterRequest request = FilterRequest.from(decodeArgs(body));
    Optional<String> notReady = notReady();
    if (notReady.isPresent()) {
      metrics.recordDecision(Routes.FILTER_VERB, Decision.NOT_READY);
      return new Answer(codec.encode(ExtenderFilterResult.failure(notReady.get())), Outcome.ERROR);
    }
    FilterResponse response;
    try {
      response =
          Objects.requireNonNull(backend.filter(request), "backend answered filter with null");
    } catch (RuntimeException e) {
      log.error("filter failed for pod {}", podKey(request), e);
      response = FilterResponse.failed("topogpu extender: filter failed: " + e);
    }
    if (response.error().isPresent()) {
      metrics.recordDecision(Routes.FILTER_VERB, Decision.ERROR);
      return new Answer(
          codec.encode(ExtenderFilterResult.failure(response.error().get())), Outcome.ERROR);
    }
    ExtenderFilterResult result = toWire(request, response);
    boolean anyPassed =
        result.nodes() != null
            ? !result.nodes().getItems().isEmpty()
            : !result.nodeNames().isEmpty();
    metrics.recordDecision(
        Routes.FILTER_VERB, anyPassed ? Decision.FEASIBLE : Decision.UNSCHEDULABLE);
    return new Answer(codec.encode(result), Outcome.OK);
  }

  Answer prioritize(InputStream body) {
    FilterRequest request = FilterRequest.from(decodeArgs(body));
    if (notReady().isPresent()) {
      metrics.recordDecision(Routes.PRIORITIZE_VERB, Decision.NOT_READY);
      return new Answer(codec.encode(List.of()), Outcome.ERROR);
    }
    try {
      List<HostPriority> scores =
          Objects.requireNonNull(
              backend.prioritize(request), "backend answered prioritize with null");
      metrics.recordDecision(Routes.PRIORITIZE_VERB, Decision.SCORED);
      return new Answer(codec.encode(scores), Outcome.OK);
    } catch (RuntimeException e) {
      log.error("prioritize failed for pod {}; answering no scores", podKey(request), e);
      metrics.recordDecision(Routes.PRIORITIZE_VERB, Decision.ERROR);
      return new Answer(codec.encode(List.of()), Outcome.ERROR);
    }
  }

  CompletionStage<Answer> bind(InputStream body) {
    BindRequest request = BindRequest.from(codec.decodeBindingArgs(body));
    Optional<String> notReady = notReady();
    if (notReady.isPresent()) {
      metrics.recordDecision(Routes.BIND_VERB, Decision.NOT_READY);
      return CompletableFuture.completedFuture(
          new Answer(codec.encode(new ExtenderBindingResult(notReady.get())), Outcome.ERROR));
    }
    CompletionStage<BindResponse> pending;
    try {
      pending = Objects.requireNonNull(backend.bind(request), "backend answered bind with null");
    } catch (RuntimeException e) {
      pending = CompletableFuture.failedFuture(e);
    }
    return pending.handle(
        (response, failure) -> {
          if (failure != null) {
            Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure;
            log.error(
                "bind of {}/{} to {} failed",
                request.podNamespace(),
                request.podName(),
                request.node(),
                cause);
            response = BindResponse.failed("topogpu extender: bind failed: " + cause);
          }
          metrics.recordDecision(
              Routes.BIND_VERB, response.error().isPresent() ? Decision.ERROR : Decision.BOUND);
          return new Answer(
              codec.encode(new ExtenderBindingResult(response.error().orElse(""))),
              response.error().isPresent() ? Outcome.ERROR : Outcome.OK);
        });
  }

  /**
   * Preempt: the backend's kept nodes in the meta (UID) form, whatever the request's form, each
   * with the request's PDB-violation count. Nodes the request did not name, and nodes left without
   * victims, are dropped: kube-scheduler fails the whole attempt on either.
   */
  Answer preempt(InputStream body) {
    PreemptRequest request = PreemptRequest.from(codec.decodePreemptionArgs(body));
    ExtenderPreemptionResult none = new ExtenderPreemptionResult(Map.of());
    if (notReady().isPresent()) {
      metrics.recordDecision(Routes.PREEMPT_VERB, Decision.NOT_READY);
      return new Answer(codec.encode(none), Outcome.ERROR);
    }
    PreemptResponse response;
    try {
      response =
          Objects.requireNonNull(backend.preempt(request), "backend answered preempt with null");
    } catch (RuntimeException e) {
      log.error("preempt failed for pod {}; preempting nowhere", podKey(request.pod()), e);
      metrics.recordDecision(Routes.PREEMPT_VERB, Decision.ERROR);
      return new Answer(codec.encode(none), Outcome.ERROR);
    }
    Map<String, ExtenderPreemptionArgs.MetaVictims> kept = new LinkedHashMap<>();
    response.kept().forEach((node, victims) -> {
      PreemptRequest.NodeVictims asked = request.candidates().get(node);
      if (asked == null || victims.uids().isEmpty()) {
        log.warn("preempt of {}: dropping node {} ({})", podKey(request.pod()), node,
            asked == null ? "not a candidate" : "no victims");
        return;
      }
      kept.put(node, new ExtenderPreemptionArgs.MetaVictims(
          victims.uids().stream().map(ExtenderPreemptionArgs.MetaPod::new).toList(),
          asked.pdbViolations()));
    });
    metrics.recordDecision(
        Routes.PREEMPT_VERB, kept.isEmpty() ? Decision.NOT_PREEMPTABLE : Decision.PREEMPTABLE);
    return new Answer(codec.encode(new ExtenderPreemptionResult(kept)), Outcome.OK);
  }

  /**
   * The wire form of a verdict, in the request's mode: {@code Nodes} echoed back when full nodes
   * came in, {@code NodeNames} otherwise. Only request nodes are echoed, in request order; a
   * rejection wins over a listing as feasible. Walks the verdicts by position ({@link
   * FilterResponse#verdictsFor}), so a filter over thousands of nodes builds no map keyed by name.
   */
  private ExtenderFilterResult toWire(FilterRequest request, FilterResponse response) {
    List<String> names = request.nodeNames();
    NodeRejection[] verdicts = response.verdictsFor(names);
    List<Node> fullNodes = request.fullNodes().orElse(null);
    List<String> passedNames = new ArrayList<>();
    List<Node> passedNodes = new ArrayList<>();
    NodeMessages failed = new NodeMessages(names.size());
    NodeMessages unresolvable = new NodeMessages(16);
    Map<NodeRejection, long[]> rejectionCounts = new IdentityHashMap<>();
    NodeRejection counted = null;
    long[] count = null;
    for (int i = 0; i < verdicts.length; i++) {
      NodeRejection rejection = verdicts[i];
      if (rejection == null) {
        passedNames.add(names.get(i));
        if (fullNodes != null) {
          passedNodes.add(fullNodes.get(i));
        }
      } else if (rejection != FilterResponse.NO_VERDICT) {
        (rejection.unresolvable() ? unresolvable : failed).add(names.get(i), rejection.message());
        if (rejection != counted) { // runs of the same shared rejection skip the lookup
          counted = rejection;
          count = rejectionCounts.computeIfAbsent(rejection, r -> new long[1]);
        }
        count[0]++;
      }
    }
    Map<RejectionKey, Long> byReason = new LinkedHashMap<>();
    rejectionCounts.forEach((r, n) ->
        byReason.merge(new RejectionKey(r.reason(), r.unresolvable()), n[0], Long::sum));
    byReason.forEach((key, n) -> metrics.recordRejections(key.reason(), key.unresolvable(), n));
    return fullNodes != null
        ? new ExtenderFilterResult(
            new NodeListBuilder().withItems(passedNodes).build(), null, failed, unresolvable, "")
        : new ExtenderFilterResult(null, passedNames, failed, unresolvable, "");
  }

  /** Bounded by the nodes the backend knows, when it knows any. */
  private ExtenderArgs decodeArgs(InputStream body) {
    var known = backend.knownNodes();
    return known.isPresent() ? codec.decodeArgs(body, known.getAsInt()) : codec.decodeArgs(body);
  }

  private Optional<String> notReady() {
    try {
      Readiness readiness = backend.readiness();
      return readiness.ready()
          ? Optional.empty()
          : Optional.of("topogpu extender not ready: " + readiness.reason());
    } catch (RuntimeException e) {
      return Optional.of("topogpu extender not ready: readiness check failed: " + e);
    }
  }

  private record RejectionKey(String reason, boolean unresolvable) {}

  private static String podKey(FilterRequest request) {
    return podKey(request.pod());
  }

  private static String podKey(Pod pod) {
    var meta = pod.getMetadata();
    return meta.getNamespace() + "/" + meta.getName();
  }
}
