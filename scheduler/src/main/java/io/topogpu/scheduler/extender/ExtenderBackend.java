package io.topogpu.scheduler.extender;

import io.micrometer.core.instrument.MeterRegistry;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletionStage;

/**
 * What answers the extender verbs: the seam between the HTTP layer ({@link ExtenderServer}) and
 * whatever decides placement. The HTTP layer decodes and validates requests, calls one of these
 * methods, and encodes the answer; it holds no scheduling logic. Implementations: the placement
 * core's adapter, {@link NoopBackend} (the benchmark floor), test fakes.
 *
 * <p>Threading: {@link #filter}, {@link #prioritize}, {@link #preempt} and {@link #bind} are called on a bounded
 * worker pool, never on the event loop, possibly concurrently. They may block briefly (an API
 * call), but a bind that must wait for other pods (a gang barrier) returns an incomplete stage and
 * completes it later instead of holding a worker thread. {@link #readiness} is called on the event
 * loop and must return at once.
 *
 * <p>Failures: an exception thrown (or a stage completed exceptionally) is caught by the HTTP layer
 * and answered as a logical failure (HTTP 200 with {@code Error}); it never stops the server.
 *
 * <p>Metrics: {@link #bindTo} is called once at server start with the extender's registry, so the
 * backend can register its own gauges (ledger size, informer lag) next to the HTTP meters.
 */
public interface ExtenderBackend extends MeterBinder {

  /**
   * Which of the request's nodes can take the pod. Nodes the backend does not know (not in its
   * cache) belong in {@link FilterResponse#rejected()} with a resolvable reason, not in an error:
   * an error fails the pod on every node.
   */
  FilterResponse filter(FilterRequest request);

  /**
   * Scores in {@link HostPriority#MIN_SCORE}..{@link HostPriority#MAX_SCORE} for the request's
   * nodes (nodes left out get nothing from this extender). kube-scheduler ignores a failed
   * prioritize.
   */
  List<HostPriority> prioritize(FilterRequest request);

  /** Binds the pod to the node (the backend writes the binding itself), or says why not. */
  CompletionStage<BindResponse> bind(BindRequest request);

  /**
   * Which of kube-scheduler's preemption candidates to keep, each with the victims to evict there
   * (any pods on that node, by UID). The default keeps kube-scheduler's proposal unchanged: a
   * backend with no opinion on preemption.
   */
  default PreemptResponse preempt(PreemptRequest request) {
    return PreemptResponse.unchanged(request);
  }

  /** Whether the backend can answer correctly now; cheap, non-blocking. */
  Readiness readiness();

  /**
   * How many nodes the backend knows, to bound the node entries of one request ({@link
   * WireCodec#nodeLimit}); empty when it keeps no node cache (no bound beyond the body limit).
   */
  default OptionalInt knownNodes() {
    return OptionalInt.empty();
  }

  @Override
  default void bindTo(MeterRegistry registry) {}

  /** Like {@link #bindTo(MeterRegistry)}, with the extender's scrape-time gauges available. */
  default void bindTo(ExtenderMetrics metrics) {
    bindTo(metrics.registry());
  }
}
