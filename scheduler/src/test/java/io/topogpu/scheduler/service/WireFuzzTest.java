package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.extender.Routes;
import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes the three verbs over HTTP against the real backend (snapshot state: a DGX node with a
 * running pod) with a seeded generator ({@link WireMutator}): valid kube-scheduler bodies, mutated
 * as trees and as bytes. For every case: never a 5xx; a 400 whose error names a field or says the
 * JSON is malformed; a 200 whose {@code Error}, if any, names no Java exception (decoding errors
 * name the pod and the field); and
 * nothing logged at ERROR with a stack trace (an unhandled exception). After all cases the
 * ledger still holds exactly the snapshot's pod plus what binds granted, no GPU twice.
 *
 * <p>Bounded: {@value #DEFAULT_CASES} cases per run from seed {@value #DEFAULT_SEED}; {@code
 * -Dtopogpu.fuzz.cases=N -Dtopogpu.fuzz.seed=S} runs more or others (docs/reliability.md).
 */
class WireFuzzTest {
  static final int DEFAULT_CASES = 1_500;
  static final long DEFAULT_SEED = 15;
  /** Reads answers that may echo long node names back (the test's reader, not the extender's). */
  private static final ObjectMapper JSON = new ObjectMapper(
      com.fasterxml.jackson.core.JsonFactory.builder()
          .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
              .maxNameLength(Integer.MAX_VALUE).maxStringLength(Integer.MAX_VALUE).build())
          .build());
  /** {@code Field.path[3]: problem}, {@code malformed JSON ...}, {@code request body: ...}. */
  private static final Pattern NAMED =
      Pattern.compile("^(malformed JSON|request body|pod \\S+: \\S|[A-Za-z][\\w.\\[\\]/-]*(: | or ))");

  private final Placer placer = new Placer(Policy.defaults());
  private final ClusterState state = new ClusterState(placer::attribute);
  private final ListAppender<ILoggingEvent> errors = new ListAppender<>();
  private ExtenderServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    SnapshotSource source = new SnapshotSource(new Snapshot(
        List.of(MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode(),
            MakeNode.named("l40s").shape("l40s-8gpu-pcie-node-sys").clusterNode()),
        List.of(MakePod.named("running").gpus(2).on("dgx").obj())));
    source.start(state);
    server = ExtenderServer.start(
        new TopogpuBackend(state, placer, source.binder(), GangHook.NONE,
            TopogpuBackend.PodDiscovery.FROM_REQUESTS),
        ExtenderServerOptions.defaults().withPort(0).withBodyLimitBytes(4L << 20)
            .withShutdownGrace(Duration.ofSeconds(2)),
        new ExtenderMetrics());
    errors.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    errors.setContext(root.getLoggerContext());
    root.addAppender(errors);
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(errors);
    server.close();
  }

  private record Reply(int status, String body) {}

  private Reply post(String path, byte[] body) throws Exception {
    HttpResponse<String> r = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  @Test
  void malformedInputIsAlwaysA400OrANamedError() throws Exception {
    int cases = Integer.getInteger("topogpu.fuzz.cases", DEFAULT_CASES);
    long seed = Long.getLong("topogpu.fuzz.seed", DEFAULT_SEED);
    WireMutator mutator = new WireMutator(new Random(seed));
    Map<String, Map<Integer, Integer>> statusByClass = new TreeMap<>();
    for (int i = 0; i < cases; i++) {
      WireMutator.Case c = mutator.next();
      Reply reply = post(c.path(), c.body());
      statusByClass.computeIfAbsent(c.kind(), k -> new TreeMap<>()).merge(reply.status(), 1, Integer::sum);
      String what = "case " + i + " (" + c.kind() + ") to " + c.path() + ": "
          + abbreviated(new String(c.body())) + " -> " + reply.status() + " " + abbreviated(reply.body());

      assertThat(reply.status()).as(what).isIn(200, 400, 413);
      JsonNode json = JSON.readTree(reply.body());
      if (reply.status() == 400) {
        assertThat(json.get("error").asText()).as(what).containsPattern(NAMED).doesNotContain("Exception");
      } else if (reply.status() == 200 && json.isObject() && json.hasNonNull("Error")
          && !json.get("Error").asText().isEmpty()) {
        assertThat(json.get("Error").asText()).as(what).doesNotContain("Exception", "java.");
      }
      assertThat(errors.list).as(what).noneMatch(
          e -> e.getLevel().isGreaterOrEqual(Level.ERROR) && e.getThrowableProxy() != null);
    }
    System.out.printf("wire fuzz: %d cases, seed %d, status by class %s%n", cases, seed, statusByClass);
    LedgerChecks.assertNoGpuTwice(state);
    assertThat(state.holding("default/running").orElseThrow().gpus()).hasSize(2);
  }

  private static String abbreviated(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
  }
}
