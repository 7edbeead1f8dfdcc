package io.topogpu.scheduler.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The extender's meters, scraped at {@code /metrics} in Prometheus text format. Every meter name
 * and tag lives here; docs/admin-guide.md lists them under their Prometheus names.
 *
 * <ul>
 *   <li>{@value #REQUESTS} (timer, {@code _seconds} histogram): latency of each verb call from body
 *       received to response written, tags {@code verb} and {@code outcome} ({@link Outcome}).
 *   <li>{@value #REQUEST_SIZE} (summary, bytes): request body size per verb.
 *   <li>{@value #DECISIONS} (counter): decisions per verb and {@code result} ({@link Decision}):
 *       filter {@code feasible}/{@code unschedulable}, prioritize {@code scored}, bind {@code
 *       bound}, and for every verb {@code error} and {@code not_ready}.
 *   <li>{@value #REJECTIONS} (counter): nodes rejected by filter, per {@code reason} code and
 *       {@code unresolvable}.
 * </ul>
 *
 * The backend registers its own gauges (from {@code ExtenderBackend.bindTo}) under the names fixed
 * here: {@link #registerLedgerGpus}, {@link #registerInformerLag} and {@link
 * #registerAllocationMismatches}.
 */
public final class ExtenderMetrics {
  public static final String REQUESTS = "topogpu.extender.requests";
  public static final String REQUEST_SIZE = "topogpu.extender.request.size";
  public static final String DECISIONS = "topogpu.extender.decisions";
  public static final String REJECTIONS = "topogpu.extender.rejections";
  public static final String LEDGER_GPUS = "topogpu.ledger.gpus";
  public static final String INFORMER_LAG = "topogpu.informer.lag";
  /** Gauge: pods whose topogpu.io/allocated differs from topogpu.io/gpus (Prometheus topogpu_allocation_mismatches). */
  public static final String ALLOCATION_MISMATCHES = "topogpu.allocation.mismatches";
  public static final String NODE_GPUS = "topogpu.node.gpus";
  public static final String GPUS_BY_LINK_CLASS = "topogpu.allocated.gpus";
  public static final String FRAGMENTATION = "topogpu.fragmentation.ratio";
  public static final String UNREADABLE_ASSIGNMENTS = "topogpu.ledger.unreadable.assignments";

  public static final String TAG_VERB = "verb";
  public static final String TAG_OUTCOME = "outcome";
  public static final String TAG_RESULT = "result";
  public static final String TAG_REASON = "reason";
  public static final String TAG_UNRESOLVABLE = "unresolvable";
  public static final String TAG_STATE = "state";
  public static final String TAG_RESOURCE = "resource";
  public static final String TAG_NODE = "node";
  public static final String TAG_LINK_CLASS = "link_class";

  /** Content type of {@link #scrape()}: Prometheus text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** How a verb call ended, as seen on the wire. */
  public enum Outcome {
    /** HTTP 200 with an answer. */
    OK,
    /** HTTP 200 with {@code Error} set (or an empty prioritize list after a backend failure). */
    ERROR,
    /** HTTP 400: the body could not be decoded or validated. */
    BAD_REQUEST,
    /** HTTP 413: the body was over the configured limit. */
    TOO_LARGE,
    /** HTTP 500/503: a failure of the extender itself, or the server is shutting down. */
    UNAVAILABLE;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a verb call decided. */
  public enum Decision {
    /** Filter: at least one node can take the pod. */
    FEASIBLE,
    /** Filter: no node can take the pod. */
    UNSCHEDULABLE,
    /** Prioritize: scores given. */
    SCORED,
    /** Bind: the pod is bound. */
    BOUND,
    /** Preempt: at least one node kept with its victims. */
    PREEMPTABLE,
    /** Preempt: no node kept (evicting would not make room). */
    NOT_PREEMPTABLE,
    /** A logical failure answered in {@code Error} (or with no scores). */
    ERROR,
    /** The backend was not ready, so the call was answered with an error without asking it. */
    NOT_READY;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final PrometheusMeterRegistry registry;
  /** Run before each scrape: gauges whose rows (nodes, link classes) come and go. */
  private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();

  public ExtenderMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every registered meter. */
  public String scrape() {
    beforeScrape.forEach(Runnable::run);
    return registry.scrape();
  }

  /**
   * The ledger's allocation gauges, from {@code stats} read once per scrape ({@link AllocationStats}):
   * {@value #NODE_GPUS} ({@code node}, {@code state} = allocated|free), {@value #GPUS_BY_LINK_CLASS}
   * ({@code link_class}) and {@value #FRAGMENTATION}. Rows of nodes that left disappear.
   */
  public void registerAllocation(Supplier<AllocationStats> stats) {
    MultiGauge nodeGpus = MultiGauge.builder(NODE_GPUS).description("Whole GPUs per node by state")
        .register(registry);
    MultiGauge byClass = MultiGauge.builder(GPUS_BY_LINK_CLASS)
        .description("GPUs held by pods, by the link class of each pod's GPUs").register(registry);
    AtomicReference<Double> fragmentation = new AtomicReference<>(0.0);
    Gauge.builder(FRAGMENTATION, fragmentation, AtomicReference::get)
        .description("Share of free GPUs outside their node's largest free NVLink group").register(registry);
    beforeScrape.add(() -> {
      AllocationStats s = stats.get();
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      s.nodeGpus().forEach((node, counts) -> {
        rows.add(MultiGauge.Row.of(Tags.of(TAG_NODE, node, TAG_STATE, "allocated"), counts[AllocationStats.ALLOCATED]));
        rows.add(MultiGauge.Row.of(Tags.of(TAG_NODE, node, TAG_STATE, "free"), counts[AllocationStats.FREE]));
      });
      nodeGpus.register(rows, true);
      List<MultiGauge.Row<?>> classes = new ArrayList<>();
      s.gpusByLinkClass().forEach((c, n) -> classes.add(MultiGauge.Row.of(Tags.of(TAG_LINK_CLASS, c), n)));
      byClass.register(classes, true);
      fragmentation.set(s.fragmentation());
    });
  }

  public void recordRequest(String verb, Outcome outcome, long nanos, long bodyBytes) {
    Timer.builder(REQUESTS)
        .description("Extender verb latency, body received to response written")
        .tags(TAG_VERB, verb, TAG_OUTCOME, outcome.tag())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(120))
        .register(registry)
        .record(Duration.ofNanos(nanos));
    DistributionSummary.builder(REQUEST_SIZE)
        .description("Extender request body size")
        .baseUnit("bytes")
        .tags(TAG_VERB, verb)
        .register(registry)
        .record(bodyBytes);
  }

  public void recordDecision(String verb, Decision decision) {
    counter(
            DECISIONS,
            "Extender decisions by verb and result",
            TAG_VERB,
            verb,
            TAG_RESULT,
            decision.tag())
        .increment();
  }

  /** Adds {@code count} rejections for one reason code. */
  public void recordRejections(String reason, boolean unresolvable, long count) {
    counter(
            REJECTIONS,
            "Nodes rejected by the extender's filter, by reason",
            TAG_REASON,
            reason,
            TAG_UNRESOLVABLE,
            Boolean.toString(unresolvable))
        .increment(count);
  }

  /**
   * Gauge {@value #LEDGER_GPUS}: whole GPUs in the ledger in one {@code state} (for example {@code
   * allocated}, {@code reserved}, {@code free}), read from {@code count} at each scrape.
   */
  /**
   * Gauge {@value #UNREADABLE_ASSIGNMENTS}: pods holding GPUs whose {@code topogpu.io/gpus} does
   * not decode, counted in the ledger as unannotated (conservatively) until it is fixed.
   */
  public static void registerUnreadableAssignments(MeterRegistry registry, Supplier<Number> count) {
    Gauge.builder(UNREADABLE_ASSIGNMENTS, count)
        .description("pods whose topogpu.io/gpus annotation does not decode")
        .register(registry);
  }

  public static void registerLedgerGpus(
      MeterRegistry registry, String state, Supplier<Number> count) {
    Gauge.builder(LEDGER_GPUS, count)
        .description("GPUs in the ledger by state")
        .tag(TAG_STATE, state)
        .register(registry);
  }

  /**
   * Gauge {@value #INFORMER_LAG} (seconds): how far the extender's view of one {@code resource}
   * ({@code nodes}, {@code pods}) trails the API server, as the cluster-state backend measures it
   * (the time from its own write, such as a bind, to seeing that write come back through the
   * informer).
   */
  /**
   * {@value #ALLOCATION_MISMATCHES}: pods holding GPUs that the kubelet gave other devices than
   * topogpu chose, as the node agents report them in {@code topogpu.io/allocated}.
   */
  public static void registerAllocationMismatches(MeterRegistry registry, Supplier<Number> pods) {
    Gauge.builder(ALLOCATION_MISMATCHES, pods)
        .description("Pods whose actual devices (topogpu.io/allocated) differ from the chosen ones (topogpu.io/gpus)")
        .register(registry);
  }

  public static void registerInformerLag(
      MeterRegistry registry, String resource, Supplier<Number> seconds) {
    Gauge.builder(INFORMER_LAG, seconds)
        .description("Informer lag behind the API server")
        .baseUnit("seconds")
        .tag(TAG_RESOURCE, resource)
        .register(registry);
  }

  private Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }
}
