package io.topogpu.scheduler.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.topogpu.scheduler.extender.BindRequest;
import io.topogpu.scheduler.extender.BindResponse;
import io.topogpu.scheduler.extender.ExtenderBackend;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.extender.FilterRequest;
import io.topogpu.scheduler.extender.FilterResponse;
import io.topogpu.scheduler.extender.HostPriority;
import io.topogpu.scheduler.extender.NodeRejection;
import io.topogpu.scheduler.extender.Readiness;
import io.topogpu.scheduler.extender.Routes;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The driver plays kube-scheduler's call order and score arithmetic against a scripted backend. */
class KubeSchedulerDriverTest {
  private static final Pod POD = new PodBuilder().withNewMetadata().withName("p").withNamespace("ns")
      .withUid("u1").endMetadata().build();

  /** Passes the nodes it is told, scores from a table, records every call. */
  static final class Scripted implements ExtenderBackend {
    final List<String> passing = new ArrayList<>();
    final Map<String, Long> scores = new LinkedHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile String bindError;

    @Override
    public FilterResponse filter(FilterRequest request) {
      calls.add("filter " + request.nodeNames());
      Map<String, NodeRejection> rejected = new LinkedHashMap<>();
      request.nodeNames().stream().filter(n -> !passing.contains(n)).forEach(n -> rejected.put(n,
          n.startsWith("small") ? NodeRejection.unresolvable("TooFewGpus", "have fewer than 8 usable GPUs")
              : NodeRejection.resolvable("InsufficientGpus", "have fewer than 8 free GPUs")));
      return FilterResponse.of(passing.stream().filter(request.nodeNames()::contains).toList(), rejected);
    }

    @Override
    public List<HostPriority> prioritize(FilterRequest request) {
      calls.add("prioritize " + request.nodeNames());
      return request.nodeNames().stream().filter(scores::containsKey)
          .map(n -> new HostPriority(n, scores.get(n))).toList();
    }

    @Override
    public CompletionStage<BindResponse> bind(BindRequest request) {
      calls.add("bind " + request.podNamespace() + "/" + request.podName() + " uid " + request.podUid()
          + " -> " + request.node());
      return CompletableFuture.completedFuture(
          bindError == null ? BindResponse.bound() : BindResponse.failed(bindError));
    }

    @Override
    public Readiness readiness() {
      return Readiness.READY;
    }
  }

  private final Scripted backend = new Scripted();
  private final ExtenderServer server = ExtenderServer.start(backend,
      ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(2)), new ExtenderMetrics());
  private final List<String> timed = new CopyOnWriteArrayList<>();

  private KubeSchedulerDriver driver(int weight, long seed) {
    return new KubeSchedulerDriver(URI.create("http://127.0.0.1:" + server.port() + Routes.PREFIX), weight, seed,
        (verb, status, elapsed) -> timed.add(verb + " " + status));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @DisplayName("several feasible nodes: filter, prioritize the survivors, bind the highest score × weight × 10")
  void fullCycle() {
    backend.passing.addAll(List.of("a", "b"));
    backend.scores.putAll(Map.of("a", 3L, "b", 7L));

    Outcome outcome = driver(5, 1).schedule(POD, List.of("a", "b", "c"));

    assertThat(outcome).isEqualTo(new Outcome.Bound("b", Map.of("a", 150L, "b", 350L)));
    assertThat(backend.calls).containsExactly("filter [a, b, c]", "prioritize [a, b]", "bind ns/p uid u1 -> b");
    assertThat(timed).containsExactly("filter 200", "prioritize 200", "bind 200");
  }

  @Test
  @DisplayName("exactly one feasible node: bound directly, prioritize never called")
  void oneFeasible() {
    backend.passing.add("b");

    Outcome outcome = driver(10, 1).schedule(POD, List.of("a", "b"));

    assertThat(outcome).isEqualTo(new Outcome.Bound("b", Map.of("b", 0L)));
    assertThat(backend.calls).containsExactly("filter [a, b]", "bind ns/p uid u1 -> b");
  }

  @Test
  @DisplayName("no feasible node: unschedulable with FailedNodes and FailedAndUnresolvableNodes, no bind")
  void noneFeasible() {
    Outcome outcome = driver(10, 1).schedule(POD, List.of("big", "small"));

    assertThat(outcome).isEqualTo(new Outcome.Unschedulable(
        Map.of("big", "have fewer than 8 free GPUs"), Map.of("small", "have fewer than 8 usable GPUs")));
    assertThat(backend.calls).containsExactly("filter [big, small]");
  }

  @Test
  @DisplayName("a node left out of prioritize gets 0; equal totals are broken by the seed, the same way every time")
  void tiesBySeed() {
    backend.passing.addAll(List.of("a", "b", "c", "d"));
    backend.scores.putAll(Map.of("a", 4L, "b", 4L, "c", 4L));
    List<String> firstRun = new ArrayList<>();
    List<String> secondRun = new ArrayList<>();
    KubeSchedulerDriver one = driver(1, 99);
    KubeSchedulerDriver two = driver(1, 99);
    for (int i = 0; i < 20; i++) {
      firstRun.add(((Outcome.Bound) one.schedule(POD, List.of("a", "b", "c", "d"))).node());
      secondRun.add(((Outcome.Bound) two.schedule(POD, List.of("a", "b", "c", "d"))).node());
    }
    assertThat(firstRun).isEqualTo(secondRun).doesNotContain("d").contains("a", "b", "c");
  }

  @Test
  @DisplayName("the default weight is the extender weight of config/kube-scheduler-config.yaml")
  void defaultWeightMatchesTheShippedConfig() throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath();
    while (!java.nio.file.Files.exists(dir.resolve("config/kube-scheduler-config.yaml"))) {
      dir = dir.getParent();
    }
    var config = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
        .readTree(dir.resolve("config/kube-scheduler-config.yaml").toFile());
    assertThat(config.at("/extenders/0/weight").asInt()).isEqualTo(KubeSchedulerDriver.DEFAULT_WEIGHT);
  }

  @Test
  @DisplayName("a bind Error fails the attempt at bind")
  void bindError() {
    backend.passing.add("a");
    backend.bindError = "node a is gone";

    assertThat(driver(10, 1).schedule(POD, List.of("a"))).isEqualTo(new Outcome.Failed("bind", "node a is gone"));
  }
}
