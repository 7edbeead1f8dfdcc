package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.extender.ExtenderHarness.Reply;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link ExtenderServer#close()} lets in-flight requests finish and admits no new ones. */
class GracefulShutdownTest {

  @Test
  void anInFlightBindFinishesWhileNewRequestsAreTurnedAway() throws Exception {
    FakeBackend backend = FakeBackend.withNodes("n1").withPod("default", "job-0");
    ExtenderHarness extender = new ExtenderHarness(backend);
    CompletableFuture<BindResponse> gang = backend.holdBinds();
    CompletableFuture<Reply> bind =
        CompletableFuture.supplyAsync(
            () -> extender.post(Routes.BIND, WireRequests.bind("default", "job-0", "n1")));
    awaitBindReachedBackend(backend);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(extender::close);
    Reply during = awaitDraining(extender);
    gang.complete(BindResponse.bound());

    assertThat(during.status()).isEqualTo(503);
    assertThat(during.json().get("error").asText()).isEqualTo("topogpu extender is shutting down");
    assertThat(bind.get(10, TimeUnit.SECONDS).json().get("Error").asText()).isEmpty();
    closing.get(10, TimeUnit.SECONDS);
    assertNotListening(extender);
  }

  @Test
  void closeGivesUpOnRequestsThatOutliveTheGrace() throws Exception {
    FakeBackend backend = FakeBackend.withNodes("n1").withPod("default", "job-0");
    ExtenderHarness extender =
        new ExtenderHarness(
            backend,
            ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofMillis(200)));
    backend.holdBinds();
    CompletableFuture.runAsync(
        () -> extender.post(Routes.BIND, WireRequests.bind("default", "job-0", "n1")));
    awaitBindReachedBackend(backend);

    CompletableFuture.runAsync(extender::close).get(10, TimeUnit.SECONDS);

    assertNotListening(extender);
  }

  private static void assertNotListening(ExtenderHarness extender) {
    assertThatThrownBy(() -> new Socket("127.0.0.1", extender.server.port()).close())
        .isInstanceOf(ConnectException.class);
  }

  private static void awaitBindReachedBackend(FakeBackend backend) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (backend.bound.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(backend.bound).as("bind reached the backend").hasSize(1);
  }

  /** Readiness turns 503 as soon as draining starts; then a verb request shows the refusal. */
  private static Reply awaitDraining(ExtenderHarness extender) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (extender.get(Routes.READYZ).status() != 503 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n1"));
  }
}
