package io.topogpu.scheduler.extender;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The read timeout of every connection: the next request, headers and body, must have arrived
 * within the timeout of the connection opening ({@link #opened}) or of the previous answer on it
 * ({@link #answered}); otherwise the connection is closed. Between a request fully read ({@link
 * #read}) and its answer no deadline runs: that time is the extender's, not the client's. Idle
 * connections between requests are closed by the server's idle timeout as well.
 */
final class ReadDeadlines {
  private final Vertx vertx;
  private final long timeoutMillis;
  private final Map<HttpConnection, Long> timers = new ConcurrentHashMap<>();

  ReadDeadlines(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeoutMillis = Math.max(1, timeout.toMillis());
  }

  void opened(HttpConnection connection) {
    connection.closeHandler(closed -> read(connection));
    answered(connection);
  }

  /** An answer went out: the client has the timeout to send its next request. */
  void answered(HttpConnection connection) {
    long timer =
        vertx.setTimer(
            timeoutMillis,
            id -> {
              if (timers.remove(connection, id)) {
                connection.close();
              }
            });
    Long previous = timers.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  /** The request on {@code connection} has been read whole. */
  void read(HttpConnection connection) {
    Long timer = timers.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  /** Connections whose client is due to send; for tests. */
  int pending() {
    return timers.size();
  }
}
