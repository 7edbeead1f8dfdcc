package io.topogpu.scheduler.extender;

import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extender's HTTP server and its lifecycle: the API listener (the kube-scheduler verbs at
 * {@link Routes}, health, readiness, metrics), the optional operations listener (health,
 * readiness, metrics only), the bounded worker pool that runs decoding and backend calls off the
 * event loop, and graceful shutdown. The routes themselves are in {@link ExtenderRouter}.
 *
 * <p>Answers: verb results with HTTP 200 (logical failures included, in {@code Error}); 400 with
 * {@code {"error": ...}} for a body that does not decode or validate; 413 for a body over the
 * limit; 503 while shutting down; 500 only for a failure of the extender itself. No request,
 * however malformed, stops the server.
 *
 * <p>{@link #close()} drains: it stops admitting requests (503, readiness goes 503), waits up to
 * the shutdown grace for in-flight ones to finish, then closes the listener, the worker pool and
 * Vert.x. In flight means read whole and being served: a client still sending its request (or
 * sending nothing) is not waited for, and its connection closes with the listener.
 *
 * <p>Slow or silent clients: a connection idle for the idle timeout is closed, and one whose next
 * request has not fully arrived within the read timeout is closed ({@link ReadDeadlines}).
 */
public final class ExtenderServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExtenderServer.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Longest a worker may run before Vert.x warns; gang binds wait without a worker, so this is
   * slack.
   */
  private static final long MAX_WORKER_EXECUTE_SECONDS = 120;

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final ExtenderServerOptions options;
  private final InFlightRequests inFlight = new InFlightRequests();
  private final ReadDeadlines deadlines;
  private final ExtenderRouter router;
  private final AtomicBoolean closed = new AtomicBoolean();
  private HttpServer http;
  private HttpServer ops;

  private ExtenderServer(
      ExtenderBackend backend, ExtenderServerOptions options, ExtenderMetrics metrics) {
    this.vertx = Vertx.vertx();
    this.workers =
        vertx.createSharedWorkerExecutor(
            "topogpu-extender",
            options.workerThreads(),
            MAX_WORKER_EXECUTE_SECONDS,
            TimeUnit.SECONDS);
    this.options = options;
    this.deadlines = new ReadDeadlines(vertx, options.readTimeout());
    this.router =
        new ExtenderRouter(
            vertx, workers, backend, options.bodyLimitBytes(), metrics, inFlight, deadlines);
  }

  /**
   * Starts serving and returns once the port is bound. The backend's meters are bound to {@code
   * metrics} first.
   *
   * @throws IllegalStateException if the server cannot listen (port in use...)
   */
  public static ExtenderServer start(
      ExtenderBackend backend, ExtenderServerOptions options, ExtenderMetrics metrics) {
    ExtenderServer server = new ExtenderServer(backend, options, metrics);
    backend.bindTo(metrics);
    try {
      server.http =
          server.listen(
              server.router.apiRouter(), options.host(), options.port(), server.apiOptions());
      if (options.opsPort().isPresent()) {
        server.ops =
            server.listen(
                server.router.opsRouter(),
                options.opsHost(),
                options.opsPort().getAsInt(),
                server.plainOptions());
      }
    } catch (RuntimeException e) {
      server.closeQuietly();
      throw e;
    }
    log.info(
        "extender API on {}://{}:{}, operations listener {}",
        options.tls().isEmpty() ? "http" : "https",
        options.host(),
        server.port(),
        server.ops == null ? "off" : options.opsHost() + ":" + server.ops.actualPort());
    return server;
  }

  /** The bound port of the API listener (the actual one when started with port 0). */
  public int port() {
    return http.actualPort();
  }

  /** The bound port of the operations listener, if there is one. */
  public OptionalInt opsPort() {
    return ops == null ? OptionalInt.empty() : OptionalInt.of(ops.actualPort());
  }

  /** Idle timeout on every listener; the read deadlines are armed per connection. */
  private HttpServerOptions plainOptions() {
    return new HttpServerOptions()
        .setIdleTimeout((int) Math.max(1, options.idleTimeout().toMillis()))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /**
   * The API listener's: HTTPS when configured, and then client certificates required when a
   * client CA is given (the handshake fails without one it signed).
   */
  private HttpServerOptions apiOptions() {
    HttpServerOptions o = plainOptions();
    options.tls().ifPresent(tls -> {
      o.setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(tls.certFile().toString())
                  .setKeyPath(tls.keyFile().toString()));
      tls.clientCaFile().ifPresent(ca -> o
          .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))
          .setClientAuth(ClientAuth.REQUIRED));
    });
    return o;
  }

  private HttpServer listen(Router router, String host, int port, HttpServerOptions httpOptions) {
    try {
      return await(
          vertx
              .createHttpServer(httpOptions)
              .connectionHandler(deadlines::opened)
              .requestHandler(router)
              .listen(port, host),
          START_TIMEOUT);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /**
   * Drains and stops: new requests get 503, in-flight ones may finish within the shutdown grace,
   * then the listener, worker pool and Vert.x close. Blocks; never call it on an event loop.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    inFlight.drain();
    try {
      if (!inFlight.awaitIdle(options.shutdownGrace())) {
        log.warn(
            "shutdown grace {} over with {} requests in flight; closing",
            options.shutdownGrace(),
            inFlight.active());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly();
    log.info("extender stopped");
  }

  private void closeQuietly() {
    try {
      if (http != null) {
        await(http.close(), START_TIMEOUT);
      }
      if (ops != null) {
        await(ops.close(), START_TIMEOUT);
      }
      await(workers.close(), START_TIMEOUT);
    } catch (RuntimeException e) {
      log.warn("closing the extender's listener failed", e);
    } finally {
      await(vertx.close(), START_TIMEOUT);
    }
  }

  private static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
