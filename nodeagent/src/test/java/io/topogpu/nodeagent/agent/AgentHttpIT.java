package io.topogpu.nodeagent.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.topogpu.nodeagent.publish.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** /healthz, /metrics and POST /probe on a real Vert.x server on a free port. */
class AgentHttpIT {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(int port, String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("healthz is 503 until NVML and the API server were reached, then 200; metrics in Prometheus format")
  void healthAndMetrics() throws Exception {
    AgentHealth health = new AgentHealth();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AgentMetrics metrics = new AgentMetrics(registry, health);
    AtomicInteger probes = new AtomicInteger();
    try (AgentHttp server = AgentHttp.start(0, health, registry, probes::incrementAndGet)) {
      int port = server.port();
      health.nvmlFailed("nvmlInit_v2 failed: NVML_ERROR_DRIVER_NOT_LOADED (9)");
      HttpResponse<String> sick = send(port, "GET", AgentHttp.HEALTHZ);
      assertThat(sick.statusCode()).isEqualTo(503);
      assertThat(sick.body()).contains("\"status\":\"unhealthy\"", "DRIVER_NOT_LOADED");

      health.nvmlReached();
      health.publishSucceeded();
      metrics.topology(8, 1, 0, 0);
      metrics.outcome(Outcome.PUBLISHED);
      assertThat(send(port, "GET", AgentHttp.HEALTHZ).statusCode()).isEqualTo(200);

      String scrape = send(port, "GET", AgentHttp.METRICS).body();
      assertThat(scrape).contains("topogpu_agent_gpus 8.0", "topogpu_agent_nvlink_domains 1.0",
          "topogpu_agent_publishes_total{outcome=\"published\"} 1.0", "topogpu_agent_healthy 1.0");

      assertThat(send(port, "POST", AgentHttp.PROBE).statusCode()).isEqualTo(202);
      assertThat(probes).hasValue(1);
    }
  }
}
