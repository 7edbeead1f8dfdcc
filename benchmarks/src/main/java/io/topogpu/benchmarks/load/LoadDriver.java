package io.topogpu.benchmarks.load;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.topogpu.scheduler.extender.Routes;
import io.topogpu.scheduler.model.PodInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * Plays kube-scheduler against one extender over HTTP: for each pod, sequentially, filter with
 * every node, prioritize with the nodes that passed, bind to the best-scored one (the first in
 * filter order among equals; kube-scheduler breaks ties at random, which would make two runs
 * differ). Prioritize is called even when a single node passes (kube-scheduler skips it then; with
 * thousands of candidate nodes that almost never happens). Latency is measured at the client, request sent to response read, as kube-scheduler
 * experiences it; parsing the response is outside the measured time but inside the wall-clock
 * decision rate.
 *
 * <p>Each pod is announced to {@code arrived} before its filter call (the informer's add event:
 * the extender binds only pods it has seen). Steady occupancy: pods run for {@code window} decisions; when a pod has been bound for that
 * long, {@code departed} is told its key (what the informer's delete event does in production),
 * so a long stream does not fill the cluster.
 *
 * <p>With a {@code sample} smaller than the cluster, filter gets {@code sample} consecutive nodes
 * from a start that moves on by {@code sample} every pod (wrapping around), as kube-scheduler sends
 * them when {@code percentageOfNodesToScore} stops its search after {@code numFeasibleNodesToFind}
 * feasible nodes ({@code nextStartNodeIndex} advances by the nodes it looked at). Here every node
 * counts as passing kube-scheduler's own filters, so the extender gets exactly {@code sample}
 * names; prioritize gets those of them the extender let through.
 */
final class LoadDriver {
  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);
  private static final ObjectMapper JSON = KubeForm.mapper();

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;
  private final RequestBodies bodies;
  private final List<String> nodes;
  private final int window;
  private final int sample;
  /** Where the next filter's nodes start (kube-scheduler's {@code nextStartNodeIndex}). */
  private int nextStart;
  private final Consumer<PodInfo> arrived;
  private final Consumer<String> departed;
  /** Pods bound by this driver and still running, oldest first (across calls of {@link #drive}). */
  private final Deque<String> running = new ArrayDeque<>();

  /** @param sample how many nodes each filter call gets, at most all of them */
  LoadDriver(URI base, RequestBodies bodies, List<String> nodes, int sample, int window,
      Consumer<PodInfo> arrived, Consumer<String> departed) {
    this.base = base;
    this.bodies = bodies;
    this.nodes = List.copyOf(nodes);
    this.sample = Math.min(sample, nodes.size());
    this.window = window;
    this.arrived = arrived;
    this.departed = departed;
  }

  /** Submits {@code pods} one after the other; {@code progress} is called after each. */
  DriveResult drive(List<PodInfo> pods, Runnable progress) {
    Map<Verb, Histogram> latency = new EnumMap<>(Verb.class);
    for (Verb v : Verb.values()) {
      latency.put(v, new Histogram(MAX_MICROS, 3));
    }
    int bound = 0;
    int unschedulable = 0;
    int bindFailed = 0;
    long start = System.nanoTime();
    for (PodInfo pod : pods) {
      arrived.accept(pod);
      byte[] podJson = RequestBodies.pod(pod);
      Timed filter = post(Routes.FILTER, bodies.extenderArgs(podJson, candidates()));
      latency.get(Verb.FILTER).recordValue(filter.micros);
      List<String> feasible = read(filter.body, FilterResult.class).names();
      if (feasible.isEmpty()) {
        unschedulable++;
        progress.run();
        continue;
      }
      Timed prioritize = post(Routes.PRIORITIZE, bodies.extenderArgs(podJson, feasible));
      latency.get(Verb.PRIORITIZE).recordValue(prioritize.micros);
      latency.get(Verb.FILTER_PRIORITIZE).recordValue(filter.micros + prioritize.micros);
      String best = best(feasible, read(prioritize.body, HostPriorityWire[].class));
      Timed bind = post(Routes.BIND, RequestBodies.bindingArgs(pod, best));
      latency.get(Verb.BIND).recordValue(bind.micros);
      BindResult result = read(bind.body, BindResult.class);
      if (result.error() == null || result.error().isEmpty()) {
        bound++;
        running.addLast(pod.key());
        if (running.size() > window) {
          departed.accept(running.removeFirst());
        }
      } else {
        bindFailed++;
      }
      progress.run();
    }
    return new DriveResult(pods.size(), bound, unschedulable, bindFailed, System.nanoTime() - start, latency);
  }

  /** The nodes of the next filter call: all, or the next {@code sample} from the rotating start. */
  List<String> candidates() {
    if (sample == nodes.size()) {
      return nodes;
    }
    List<String> out = new ArrayList<>(sample);
    for (int i = 0; i < sample; i++) {
      out.add(nodes.get((nextStart + i) % nodes.size()));
    }
    nextStart = (nextStart + sample) % nodes.size();
    return out;
  }

  /** Highest score; among equals the first in filter order. */
  static String best(List<String> feasible, HostPriorityWire[] scores) {
    Map<String, Long> score = new HashMap<>();
    for (HostPriorityWire s : scores) {
      score.put(s.host(), s.score());
    }
    String best = feasible.get(0);
    long top = Long.MIN_VALUE;
    for (String n : feasible) {
      long s = score.getOrDefault(n, 0L);
      if (s > top) {
        top = s;
        best = n;
      }
    }
    return best;
  }

  private record Timed(byte[] body, long micros) {}

  private Timed post(String path, byte[] body) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    try {
      long t0 = System.nanoTime();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      long micros = Math.min(MAX_MICROS, (System.nanoTime() - t0) / 1_000);
      if (response.statusCode() != 200) {
        throw new IllegalStateException(path + " answered HTTP " + response.statusCode() + ": "
            + new String(response.body(), StandardCharsets.UTF_8));
      }
      return new Timed(response.body(), micros);
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during POST " + path, e);
    }
  }

  private static <T> T read(byte[] body, Class<T> type) {
    try {
      return JSON.readValue(body, type);
    } catch (IOException e) {
      throw new UncheckedIOException("extender answer is not a " + type.getSimpleName(), e);
    }
  }

  /** The parts of {@code ExtenderFilterResult} the driver needs: the passing node names. */
  record FilterResult(
      @JsonProperty("NodeNames") List<String> nodeNames,
      @JsonProperty("Nodes") NodeItems nodes,
      @JsonProperty("Error") String error) {
    List<String> names() {
      if (error != null && !error.isEmpty()) {
        throw new IllegalStateException("filter failed: " + error);
      }
      if (nodes != null && nodes.items() != null) {
        List<String> out = new ArrayList<>(nodes.items().size());
        nodes.items().forEach(i -> out.add(i.metadata().name()));
        return out;
      }
      return nodeNames == null ? List.of() : nodeNames;
    }
  }

  record NodeItems(List<NamedItem> items) {}

  record NamedItem(Meta metadata) {}

  record Meta(String name) {}

  record HostPriorityWire(@JsonProperty("Host") String host, @JsonProperty("Score") long score) {}

  record BindResult(@JsonProperty("Error") String error) {}
}
