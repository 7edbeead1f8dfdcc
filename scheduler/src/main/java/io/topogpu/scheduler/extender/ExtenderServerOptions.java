package io.topogpu.scheduler.extender;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the extender's HTTP server runs. Validated on construction; every field has a default in
 * {@link #defaults()}.
 *
 * @param host address of the API listener (verbs, plus health and metrics); loopback by default, so
 *     only the kube-scheduler container in the same pod can reach the bind verb
 * @param port TCP port of the API listener, 0 for an ephemeral one (tests)
 * @param opsHost address of the optional operations listener
 * @param opsPort port of the operations listener, which serves only {@code /healthz}, {@code
 *     /readyz} and {@code /metrics}, for kubelet probes and Prometheus when the API listener is on
 *     loopback; empty (the default) for none
 * @param bodyLimitBytes largest accepted request body; larger ones get HTTP 413. The default,
 *     {@link #DEFAULT_BODY_LIMIT_BYTES} (256 MiB), is more than twice a 5,000-node {@code NodeList}
 *     of realistic GPU nodes (about 20 KB each in compact JSON, measured in {@code
 *     FullNodeListTest}: 5,000 × 20 KB ≈ 100 MB), for kube-scheduler running with {@code
 *     nodeCacheCapable: false}
 * @param workerThreads size of the worker pool that runs decoding and the backend calls, off the
 *     event loop; bounds how many requests are processed at once (a bind waiting for its gang does
 *     not hold a worker)
 * @param shutdownGrace how long {@link ExtenderServer#close()} waits for in-flight requests (those
 *     whose body has been read; a client still sending is not waited for)
 * @param idleTimeout a connection on which nothing is sent or received for this long is closed
 *     (kube-scheduler reopens one when it needs it); {@link #DEFAULT_IDLE_TIMEOUT} by default
 * @param readTimeout the headers and body of a request must arrive within this long of the
 *     connection opening or the previous answer on it, else the connection is closed: a client
 *     that sends a request slowly, or half of one, holds nothing for long; {@link
 *     #DEFAULT_READ_TIMEOUT} by default
 * @param tls the API listener serves HTTPS with this certificate, and checks client
 *     certificates when a client CA is given; empty (the default) for plain HTTP on loopback
 */
public record ExtenderServerOptions(
    String host,
    int port,
    String opsHost,
    OptionalInt opsPort,
    long bodyLimitBytes,
    int workerThreads,
    Duration shutdownGrace,
    Duration idleTimeout,
    Duration readTimeout,
    Optional<Tls> tls) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8888;
  public static final String DEFAULT_OPS_HOST = "0.0.0.0";
  public static final long DEFAULT_BODY_LIMIT_BYTES = 256L * 1024 * 1024;
  public static final int DEFAULT_WORKER_THREADS = 16;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  /**
   * HTTPS for the API listener, as kube-scheduler's extender client speaks it ({@code
   * enableHTTPS: true} with {@code tlsConfig}: {@code caFile} checks this certificate, {@code
   * certFile}/{@code keyFile} are the client certificate checked against {@code clientCa}).
   *
   * @param certFile PEM server certificate (chain)
   * @param keyFile PEM private key of the certificate
   * @param clientCaFile PEM CA bundle; when present every client must present a certificate it
   *     signed, or the TLS handshake fails
   */
  public record Tls(Path certFile, Path keyFile, Optional<Path> clientCaFile) {
    public Tls {
      if (certFile == null || keyFile == null) {
        throw new IllegalArgumentException("tls: certFile and keyFile are both required");
      }
      clientCaFile = clientCaFile == null ? Optional.empty() : clientCaFile;
    }
  }

  public ExtenderServerOptions {
    requireHost("host", host);
    requirePort("port", port);
    requireHost("opsHost", opsHost);
    opsPort.ifPresent(p -> requirePort("opsPort", p));
    if (bodyLimitBytes < 1024) {
      throw new IllegalArgumentException(
          "bodyLimitBytes: must be at least 1024, got " + bodyLimitBytes);
    }
    if (workerThreads < 1) {
      throw new IllegalArgumentException("workerThreads: must be at least 1, got " + workerThreads);
    }
    if (shutdownGrace == null || shutdownGrace.isNegative()) {
      throw new IllegalArgumentException(
          "shutdownGrace: must be zero or more, got " + shutdownGrace);
    }
    requirePositive("idleTimeout", idleTimeout);
    requirePositive("readTimeout", readTimeout);
    tls = tls == null ? Optional.empty() : tls;
  }

  public static ExtenderServerOptions defaults() {
    return new ExtenderServerOptions(
        DEFAULT_HOST,
        DEFAULT_PORT,
        DEFAULT_OPS_HOST,
        OptionalInt.empty(),
        DEFAULT_BODY_LIMIT_BYTES,
        DEFAULT_WORKER_THREADS,
        DEFAULT_SHUTDOWN_GRACE,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_READ_TIMEOUT,
        Optional.empty());
  }

  public ExtenderServerOptions withHost(String value) {
    return new ExtenderServerOptions(
        value, port, opsHost, opsPort, bodyLimitBytes, workerThreads,
        shutdownGrace, idleTimeout, readTimeout, tls);
  }

  public ExtenderServerOptions withPort(int value) {
    return new ExtenderServerOptions(
        host, value, opsHost, opsPort, bodyLimitBytes, workerThreads,
        shutdownGrace, idleTimeout, readTimeout, tls);
  }

  /** Adds the operations listener on {@code opsHost:opsPort}. */
  public ExtenderServerOptions withOps(String opsHost, int opsPort) {
    return new ExtenderServerOptions(
        host, port, opsHost, OptionalInt.of(opsPort), bodyLimitBytes, workerThreads,
        shutdownGrace, idleTimeout, readTimeout, tls);
  }

  public ExtenderServerOptions withBodyLimitBytes(long value) {
    return new ExtenderServerOptions(
        host, port, opsHost, opsPort, value, workerThreads,
        shutdownGrace, idleTimeout, readTimeout, tls);
  }

  public ExtenderServerOptions withWorkerThreads(int value) {
    return new ExtenderServerOptions(
        host, port, opsHost, opsPort, bodyLimitBytes, value,
        shutdownGrace, idleTimeout, readTimeout, tls);
  }

  public ExtenderServerOptions withShutdownGrace(Duration value) {
    return new ExtenderServerOptions(
        host, port, opsHost, opsPort, bodyLimitBytes, workerThreads,
        value, idleTimeout, readTimeout, tls);
  }

  public ExtenderServerOptions withTimeouts(Duration idle, Duration read) {
    return new ExtenderServerOptions(host, port, opsHost, opsPort, bodyLimitBytes, workerThreads,
        shutdownGrace, idle, read, tls);
  }

  public ExtenderServerOptions withTls(Tls value) {
    return new ExtenderServerOptions(host, port, opsHost, opsPort, bodyLimitBytes, workerThreads,
        shutdownGrace, idleTimeout, readTimeout, Optional.of(value));
  }

  private static void requirePositive(String field, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + ": must be positive, got " + value);
    }
  }

  private static void requireHost(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + ": required, got " + ExtenderArgs.quoted(value));
    }
  }

  private static void requirePort(String field, int value) {
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException(field + ": must be 0..65535, got " + value);
    }
  }
}
