package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.topogpu.scheduler.extender.ExtenderHarness.Reply;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /healthz}, {@code /readyz} and {@code /metrics}. */
class HealthAndMetricsTest {
  private static final NodeRejection BUSY =
      NodeRejection.resolvable(
          "InsufficientGpus", "topogpu: not enough free GPUs in one NVLink domain");

  private final FakeBackend backend =
      FakeBackend.withNodes("n1", "n2", "n3")
          .withPod("default", "job-0")
          .rejecting("n2", BUSY)
          .rejecting("n3", BUSY);
  private final ExtenderHarness extender = new ExtenderHarness(new WithLedgerGauge(backend));

  @AfterEach
  void stop() {
    extender.close();
  }

  @Test
  void healthzIsOkWhileServingEvenWhenNotReady() {
    backend.readiness(Readiness.notReady("informers not synced: pods"));

    Reply reply = extender.get(Routes.HEALTHZ);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("status").asText()).isEqualTo("ok");
  }

  @Test
  void readyzFollowsTheBackend() {
    backend.readiness(Readiness.notReady("informers not synced: pods"));
    Reply before = extender.get(Routes.READYZ);
    backend.readiness(Readiness.READY);
    Reply after = extender.get(Routes.READYZ);

    assertThat(before.status()).isEqualTo(503);
    assertThat(before.json().get("reason").asText()).isEqualTo("informers not synced: pods");
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.json().get("status").asText()).isEqualTo("ready");
  }

  @Test
  void metricsHasThePerVerbLatencyHistogramAfterACall() {
    extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n1"));

    Reply reply = extender.get(Routes.METRICS);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("text/plain");
    assertThat(reply.body())
        .containsPattern(
            "topogpu_extender_requests_seconds_bucket\\{outcome=\"ok\",verb=\"filter\",le=\"[0-9.]+\"}")
        .contains("topogpu_extender_requests_seconds_count{outcome=\"ok\",verb=\"filter\"} 1")
        .contains("topogpu_extender_request_size_bytes_count{verb=\"filter\"} 1")
        .doesNotContain("verb=\"bind\"");
  }

  @Test
  void metricsCountDecisionsAndRejectionsByReason() {
    extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n1", "n2", "n3"));
    extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n2", "unknown"));
    extender.post(Routes.BIND, WireRequests.bind("default", "job-0", "n1"));
    extender.post(Routes.PRIORITIZE, "{}");

    String text = extender.get(Routes.METRICS).body();

    assertThat(text)
        .contains("topogpu_extender_decisions_total{result=\"feasible\",verb=\"filter\"} 1.0")
        .contains("topogpu_extender_decisions_total{result=\"unschedulable\",verb=\"filter\"} 1.0")
        .contains("topogpu_extender_decisions_total{result=\"bound\",verb=\"bind\"} 1.0")
        .contains(
            "topogpu_extender_rejections_total{reason=\"InsufficientGpus\",unresolvable=\"false\"}"
                + " 3.0")
        .contains(
            "topogpu_extender_rejections_total{reason=\"NodeNotInCache\",unresolvable=\"false\"}"
                + " 1.0")
        .contains(
            "topogpu_extender_requests_seconds_count{outcome=\"bad_request\",verb=\"prioritize\"}"
                + " 1");
  }

  @Test
  void theBackendsOwnGaugesAreScrapedToo() {
    assertThat(extender.get(Routes.METRICS).body())
        .contains("topogpu_ledger_gpus{state=\"free\"} 24.0")
        .contains("topogpu_informer_lag_seconds{resource=\"pods\"} 0.25");
  }

  @Test
  void theOperationsListenerServesHealthReadinessAndMetricsButNoVerb() {
    try (ExtenderHarness withOps =
        new ExtenderHarness(
            FakeBackend.withNodes("n1"),
            ExtenderServerOptions.defaults().withPort(0).withOps("127.0.0.1", 0))) {
      Reply filter =
          withOps.post(withOps.opsUri(Routes.FILTER), WireRequests.pod("job-0").nodeNames("n1"));

      assertThat(withOps.server.opsPort().getAsInt()).isNotEqualTo(withOps.server.port());
      assertThat(withOps.get(withOps.opsUri(Routes.HEALTHZ)).status()).isEqualTo(200);
      assertThat(withOps.get(withOps.opsUri(Routes.READYZ)).status()).isEqualTo(200);
      assertThat(withOps.get(withOps.opsUri(Routes.METRICS)).body())
          .contains("jvm_memory_used_bytes");
      assertThat(filter.status()).isEqualTo(404);
    }
  }

  /** The backend registering a gauge of its own, as the ledger does. */
  private record WithLedgerGauge(FakeBackend fake) implements ExtenderBackend {
    @Override
    public void bindTo(MeterRegistry registry) {
      ExtenderMetrics.registerLedgerGpus(registry, "free", () -> 24);
      ExtenderMetrics.registerInformerLag(registry, "pods", () -> 0.25);
    }

    @Override
    public FilterResponse filter(FilterRequest request) {
      return fake.filter(request);
    }

    @Override
    public java.util.List<HostPriority> prioritize(FilterRequest request) {
      return fake.prioritize(request);
    }

    @Override
    public java.util.concurrent.CompletionStage<BindResponse> bind(BindRequest request) {
      return fake.bind(request);
    }

    @Override
    public Readiness readiness() {
      return fake.readiness();
    }
  }
}
