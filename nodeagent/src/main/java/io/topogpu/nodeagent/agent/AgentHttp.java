package io.topogpu.nodeagent.agent;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The agent's HTTP surface (Vert.x Web), routes named once here:
 * <ul>
 *   <li>{@code GET /healthz}: 200 when the last probe reached NVML and the last publish reached the
 *       API server, else 503; body {@link AgentHealth#report()} as JSON.
 *   <li>{@code GET /metrics}: Prometheus text format.
 *   <li>{@code POST /probe}: run a probe cycle now (202; the cycle runs on the agent's thread).
 * </ul>
 */
public final class AgentHttp implements AutoCloseable {
  public static final String HEALTHZ = "/healthz";
  public static final String METRICS = "/metrics";
  public static final String PROBE = "/probe";

  private final Vertx vertx;
  private final HttpServer server;

  private AgentHttp(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Listens on {@code port} (0 = any free port, see {@link #port()}); blocks until bound. */
  public static AgentHttp start(int port, AgentHealth health, PrometheusMeterRegistry registry, Runnable probeNow)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get(HEALTHZ).handler(ctx -> ctx.response()
        .setStatusCode(health.healthy() ? 200 : 503)
        .putHeader("content-type", "application/json")
        .end(new JsonObject(health.report()).encode()));
    router.get(METRICS).handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()));
    router.post(PROBE).handler(ctx -> {
      probeNow.run();
      ctx.response().setStatusCode(202).end();
    });
    try {
      HttpServer server = vertx.createHttpServer().requestHandler(router).listen(port)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new AgentHttp(vertx, server);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }
}
