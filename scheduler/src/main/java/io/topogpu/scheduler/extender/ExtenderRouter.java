package io.topogpu.scheduler.extender;

import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.topogpu.scheduler.extender.ExtenderVerbs.Answer;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.metrics.ExtenderMetrics.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extender's routes on Vert.x Web. The event loop only admits a request, reads its body within
 * the limit and writes the answer; decoding, the backend call and encoding run on the worker pool
 * ({@link ExtenderVerbs}). Every answer is JSON except {@code /metrics}; verb requests are timed
 * from admission to response and counted by outcome.
 */
final class ExtenderRouter {
  private static final Logger log = LoggerFactory.getLogger(ExtenderRouter.class);
  private static final String JSON = "application/json";
  private static final String VERB_KEY = "topogpu.verb";
  private static final String STARTED_KEY = "topogpu.started";

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final ExtenderBackend backend;
  private final long bodyLimitBytes;
  private final ExtenderMetrics metrics;
  private final WireCodec codec = new WireCodec();
  private final ExtenderVerbs verbs;
  private final InFlightRequests inFlight;
  private final ReadDeadlines deadlines;

  ExtenderRouter(
      Vertx vertx,
      WorkerExecutor workers,
      ExtenderBackend backend,
      long bodyLimitBytes,
      ExtenderMetrics metrics,
      InFlightRequests inFlight,
      ReadDeadlines deadlines) {
    this.vertx = vertx;
    this.workers = workers;
    this.backend = backend;
    this.bodyLimitBytes = bodyLimitBytes;
    this.metrics = metrics;
    this.verbs = new ExtenderVerbs(backend, codec, metrics);
    this.inFlight = inFlight;
    this.deadlines = deadlines;
  }

  /** Health, readiness and metrics only: safe to expose beyond loopback. */
  Router opsRouter() {
    Router router = Router.router(vertx);
    router.route().handler((PlatformHandler) this::deadline);
    addOpsRoutes(router);
    addFailureHandlers(router);
    return router;
  }

  private void addOpsRoutes(Router router) {
    router.get(Routes.HEALTHZ).handler(ctx -> send(ctx, 200, codec.encode(Map.of("status", "ok"))));
    router.get(Routes.READYZ).handler(this::readyz);
    router.get(Routes.METRICS).handler(this::metrics);
  }

  private void addFailureHandlers(Router router) {
    router.route().failureHandler(this::failure);
    for (int status : new int[] {404, 405, 413, 500}) {
      router.errorHandler(status, this::failure);
    }
  }

  /** The verbs, plus health, readiness and metrics. */
  Router apiRouter() {
    Router router = Router.router(vertx);
    router.route().handler((PlatformHandler) this::deadline);
    BodyHandler body =
        BodyHandler.create(false).setBodyLimit(bodyLimitBytes).setPreallocateBodyBuffer(true);
    router
        .post(Routes.FILTER)
        .handler(admit(Routes.FILTER_VERB))
        .handler(body)
        .handler(verb(in -> completed(verbs.filter(in))));
    router
        .post(Routes.PRIORITIZE)
        .handler(admit(Routes.PRIORITIZE_VERB))
        .handler(body)
        .handler(verb(in -> completed(verbs.prioritize(in))));
    router
        .post(Routes.BIND)
        .handler(admit(Routes.BIND_VERB))
        .handler(body)
        .handler(verb(verbs::bind));
    router
        .post(Routes.PREEMPT)
        .handler(admit(Routes.PREEMPT_VERB))
        .handler(body)
        .handler(verb(in -> completed(verbs.preempt(in))));
    addOpsRoutes(router);
    addFailureHandlers(router);
    return router;
  }

  /**
   * The read deadline ({@link ReadDeadlines}): a request without a body is read once its headers
   * are; a verb's is read when its body is ({@link #verb}). The next one is due after the answer.
   */
  private void deadline(RoutingContext ctx) {
    var connection = ctx.request().connection();
    if (!ctx.request().method().equals(HttpMethod.POST)) {
      deadlines.read(connection);
    }
    ctx.addEndHandler(done -> deadlines.answered(connection));
    ctx.next();
  }

  /**
   * Turns the request away while draining, before its body is read; a platform handler because
   * Vert.x Web runs those ahead of the body handler. The request is counted in flight only once
   * its body has been read ({@link #verb}): shutdown waits for requests being served, not for
   * clients still sending (whose connections close with the listener).
   */
  private PlatformHandler admit(String verb) {
    return ctx -> {
      ctx.put(VERB_KEY, verb);
      ctx.put(STARTED_KEY, System.nanoTime());
      if (inFlight.draining()) {
        shuttingDown(ctx);
        return;
      }
      ctx.next();
    };
  }

  private void shuttingDown(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    finish(ctx, 503, codec.encodeError("topogpu extender is shutting down"), Outcome.UNAVAILABLE);
  }

  private Handler<RoutingContext> verb(Function<InputStream, CompletionStage<Answer>> call) {
    return ctx -> {
      deadlines.read(ctx.request().connection());
      if (!inFlight.tryEnter()) {
        shuttingDown(ctx);
        return;
      }
      ctx.addEndHandler(done -> inFlight.leave());
      Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
      workers
          .<CompletionStage<Answer>>executeBlocking(
              () -> call.apply(new ByteBufInputStream(body.getByteBuf())), false)
          .compose(pending -> Future.fromCompletionStage(pending, vertx.getOrCreateContext()))
          .onComplete(
              done -> {
                if (done.succeeded()) {
                  finish(ctx, 200, done.result().body(), done.result().outcome());
                } else if (done.cause() instanceof BadRequestException bad) {
                  finish(ctx, 400, codec.encodeError(bad.getMessage()), Outcome.BAD_REQUEST);
                } else {
                  log.error(
                      "{} failed inside the extender", ctx.<String>get(VERB_KEY), done.cause());
                  finish(
                      ctx,
                      500,
                      codec.encodeError("topogpu extender: " + done.cause()),
                      Outcome.UNAVAILABLE);
                }
              });
    };
  }

  private void readyz(RoutingContext ctx) {
    Readiness readiness;
    try {
      readiness = inFlight.draining() ? Readiness.notReady("shutting down") : backend.readiness();
    } catch (RuntimeException e) {
      readiness = Readiness.notReady("readiness check failed: " + e);
    }
    if (readiness.ready()) {
      send(ctx, 200, codec.encode(Map.of("status", "ready")));
    } else {
      send(ctx, 503, codec.encode(Map.of("status", "not ready", "reason", readiness.reason())));
    }
  }

  private void metrics(RoutingContext ctx) {
    workers
        .executeBlocking(metrics::scrape, false)
        .onSuccess(
            text ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, ExtenderMetrics.CONTENT_TYPE)
                    .end(text))
        .onFailure(ctx::fail);
  }

  /** Renders every non-verb failure (413 from the body limit, 404, 405, 500) as JSON. */
  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode() < 0 ? 500 : ctx.statusCode();
    String message;
    Outcome outcome = Outcome.UNAVAILABLE;
    if (status == 413) {
      message = "request body exceeds the limit of " + bodyLimitBytes + " bytes";
      outcome = Outcome.TOO_LARGE;
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    } else if (status == 404 || status == 405) {
      message =
          HttpResponseStatus.valueOf(status).reasonPhrase()
              + ": "
              + ctx.request().method()
              + " "
              + ctx.request().path();
    } else {
      log.error(
          "request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      message =
          "topogpu extender: "
              + (ctx.failure() == null ? "internal error" : ctx.failure().toString());
    }
    finish(ctx, status, codec.encodeError(message), outcome);
  }

  /** Sends a JSON answer and, for verb requests, records its latency and outcome. */
  private void finish(RoutingContext ctx, int status, byte[] json, Outcome outcome) {
    String verb = ctx.get(VERB_KEY);
    if (verb != null) {
      long bytes =
          ctx.body() == null || ctx.body().buffer() == null ? 0 : ctx.body().buffer().length();
      metrics.recordRequest(verb, outcome, System.nanoTime() - ctx.<Long>get(STARTED_KEY), bytes);
    }
    send(ctx, status, json);
  }

  private static void send(RoutingContext ctx, int status, byte[] json) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(Buffer.buffer(json));
  }

  private static <T> CompletionStage<T> completed(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
