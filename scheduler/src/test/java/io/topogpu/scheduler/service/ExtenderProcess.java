package io.topogpu.scheduler.service;

import io.topogpu.scheduler.extender.Routes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code topogpu extender} as a real child JVM (the test's classpath, so target/classes), against
 * the API server in a kubeconfig, on a loopback port of its own; {@link #kill()} sends SIGKILL.
 */
final class ExtenderProcess implements AutoCloseable {
  final int port;
  private final Process process;

  private ExtenderProcess(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  static ExtenderProcess start(Path kubeconfig, Path log) {
    int port = freePort();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "io.topogpu.scheduler.cli.SchedulerMain",
        "extender", "--kubeconfig=" + kubeconfig, "--port=" + port))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new ExtenderProcess(port, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code /readyz} answers 200 (ledger rebuilt). */
  ExtenderProcess awaitReady() {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("extender exited with " + process.exitValue());
      }
      try {
        int status = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + Routes.READYZ)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      sleep(50);
    }
    throw new AssertionError("extender on port " + port + " not ready within 60 s");
  }

  /** SIGKILL: no shutdown hook, no drain, whatever it was doing. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
