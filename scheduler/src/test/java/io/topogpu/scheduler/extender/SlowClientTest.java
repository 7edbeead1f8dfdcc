package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that send half a request, or nothing, over raw sockets: the read timeout closes their
 * connections, the idle timeout closes silent ones between requests, and shutdown does not wait
 * for them. The limits here are short (1 s read, 2 s idle) so that a connection still open after
 * 10 s is one the server would have held forever.
 */
class SlowClientTest {
  private static final int WAIT_MILLIS = 10_000;
  private final List<Socket> sockets = new ArrayList<>();
  private final ExtenderHarness extender =
      new ExtenderHarness(
          FakeBackend.withNodes("n1").withPod("default", "job-0"),
          ExtenderServerOptions.defaults()
              .withPort(0)
              .withShutdownGrace(Duration.ofSeconds(30))
              .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1)));

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    extender.close();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", extender.server.port());
    s.setSoTimeout(WAIT_MILLIS);
    sockets.add(s);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads until the server closes; false when it is still open after {@link #WAIT_MILLIS}. */
  private static boolean closedByServer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // an answer (408 or similar) may come first; the close is what counts
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server
    }
  }

  @Test
  void halfSentHeadersAreClosed() throws IOException {
    Socket s = connect();
    send(s, "POST " + Routes.FILTER + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl");

    assertThat(closedByServer(s)).isTrue();
    extender.assertStillServing();
  }

  @Test
  void aHalfSentBodyIsClosed() throws IOException {
    Socket s = connect();
    send(s, "POST " + Routes.FILTER + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"Pod\":");

    assertThat(closedByServer(s)).isTrue();
    extender.assertStillServing();
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws IOException {
    assertThat(closedByServer(connect())).isTrue();
  }

  @Test
  void aKeptAliveConnectionIsClosedWhenItsNextRequestStalls() throws IOException {
    Socket s = connect();
    send(s, "GET " + Routes.HEALTHZ + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    byte[] first = new byte[1024];
    assertThat(s.getInputStream().read(first)).isPositive();
    send(s, "POST " + Routes.BIND + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Len");

    assertThat(closedByServer(s)).isTrue();
  }

  @Test
  void manyHalfSentRequestsAreAllClosed() throws IOException {
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Socket s = connect();
      send(s, "POST " + Routes.FILTER + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99\r\n\r\n{");
      stalled.add(s);
    }

    for (Socket s : stalled) {
      assertThat(closedByServer(s)).isTrue();
    }
    extender.assertStillServing();
  }

  /** Three stalled requests and a 30 s grace: close returns without waiting for the grace. */
  @Test
  void shutdownDoesNotWaitForClientsThatSendNothing() throws Exception {
    ExtenderHarness patient =
        new ExtenderHarness(
            FakeBackend.withNodes("n1"),
            ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(30)));
    for (int i = 0; i < 3; i++) {
      Socket s = new Socket("127.0.0.1", patient.server.port());
      sockets.add(s);
      send(s, "POST " + Routes.BIND + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 80\r\n\r\n{");
    }
    Thread.sleep(200); // the requests reach the router

    CompletableFuture.runAsync(patient::close).get(15, TimeUnit.SECONDS);
  }
}
