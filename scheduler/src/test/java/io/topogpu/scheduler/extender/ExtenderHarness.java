package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * An {@link ExtenderServer} on an ephemeral loopback port with a JDK HTTP client, for tests that
 * talk to the extender exactly as kube-scheduler does (POST JSON, read status and JSON body).
 */
final class ExtenderHarness implements AutoCloseable {
  /** Small enough that an oversized body is cheap to send in a test. */
  static final long TEST_BODY_LIMIT = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  final ExtenderMetrics metrics = new ExtenderMetrics();
  final ExtenderServer server;
  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  /** A reply: status code, raw body, and the body as JSON when it parses. */
  record Reply(int status, String body, String contentType) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  ExtenderHarness(ExtenderBackend backend) {
    this(
        backend,
        ExtenderServerOptions.defaults()
            .withPort(0)
            .withBodyLimitBytes(TEST_BODY_LIMIT)
            .withShutdownGrace(Duration.ofSeconds(10)));
  }

  ExtenderHarness(ExtenderBackend backend, ExtenderServerOptions options) {
    server = ExtenderServer.start(backend, options, metrics);
  }

  Reply post(String path, String body) {
    return post(uri(path), body);
  }

  Reply post(URI uri, String body) {
    return send(
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  Reply get(String path) {
    return get(uri(path));
  }

  Reply get(URI uri) {
    return send(HttpRequest.newBuilder(uri).GET().build());
  }

  /** On the API listener. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** On the operations listener; the harness must have been started with one. */
  URI opsUri(String path) {
    return URI.create("http://127.0.0.1:" + server.opsPort().orElseThrow() + path);
  }

  private Reply send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(
          response.statusCode(),
          response.body(),
          response.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A good filter and a good bind still succeed (the backend must know node {@code n1} and pod
   * {@code default/job-0}).
   */
  void assertStillServing() {
    Reply filter = post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n1"));
    Reply bind = post(Routes.BIND, WireRequests.bind("default", "job-0", "n1"));

    assertThat(filter.status()).isEqualTo(200);
    assertThat(filter.json().get("NodeNames").get(0).asText()).isEqualTo("n1");
    assertThat(bind.json().get("Error").asText()).isEmpty();
  }

  @Override
  public void close() {
    server.close();
  }
}
