package io.topogpu.scheduler.driver;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.topogpu.scheduler.extender.ExtenderArgs;
import io.topogpu.scheduler.extender.ExtenderBindingArgs;
import io.topogpu.scheduler.extender.ExtenderBindingResult;
import io.topogpu.scheduler.extender.ExtenderFilterResult;
import io.topogpu.scheduler.extender.HostPriority;
import io.topogpu.scheduler.extender.Routes;
import io.topogpu.scheduler.extender.WireCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Plays kube-scheduler against an extender over HTTP, with the call order and score arithmetic of
 * {@code schedule_one.go} (docs: extender-protocol.md §4), for one extender and no in-tree score
 * plugins:
 *
 * <ol>
 *   <li>filter with the candidate nodes ({@code NodeNames}, or full {@code Nodes} when the extender
 *       is not node-cache capable); an {@code Error} or a non-200 answer fails the attempt;
 *   <li>no feasible node: unschedulable, with the extender's failed-node messages;
 *   <li>exactly one: bound there directly, prioritize is not called;
 *   <li>otherwise prioritize; each feasible node's total is {@code score × weight × 10} (a node
 *       left out of the answer, or every node when prioritize fails, gets 0); the highest total
 *       wins, ties broken by a seeded {@link Random} as kube-scheduler breaks them at random;
 *   <li>bind; an {@code Error} fails the attempt.
 * </ol>
 *
 * Thread-safe; {@link VerbListener} sees each call's latency (the load benchmark's hook).
 */
public final class KubeSchedulerDriver {
  /** {@code weight} of the extender in config/kube-scheduler-config.yaml. */
  public static final int DEFAULT_WEIGHT = 10;

  /** {@code MaxNodeScore / MaxExtenderPriority} = 100 / 10. */
  static final int SCORE_SCALE = 10;

  /** Observes every verb call: verb name, HTTP status (-1 when no answer), latency. */
  @FunctionalInterface
  public interface VerbListener {
    void onCall(String verb, int status, Duration elapsed);

    VerbListener NONE = (verb, status, elapsed) -> {};
  }

  private final URI prefix;
  private final int weight;
  private final Random random;
  private final VerbListener listener;
  private final ObjectMapper json = new WireCodec().mapper();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * @param urlPrefix the extender's {@code urlPrefix}, e.g. {@code http://127.0.0.1:8888/scheduler}
   * @param weight the extender's {@code weight}, at least 1
   * @param seed seed of the tie-breaking random
   */
  public KubeSchedulerDriver(URI urlPrefix, int weight, long seed, VerbListener listener) {
    if (weight < 1) {
      throw new IllegalArgumentException("weight: must be at least 1, got " + weight);
    }
    String p = urlPrefix.toString();
    this.prefix = URI.create(p.endsWith("/") ? p : p + "/");
    this.weight = weight;
    this.random = new Random(seed);
    this.listener = listener;
  }

  /** The driver for an extender on {@code 127.0.0.1:port}, at {@link Routes#PREFIX}. */
  public static KubeSchedulerDriver onLoopback(int port, long seed) {
    return new KubeSchedulerDriver(
        URI.create("http://127.0.0.1:" + port + Routes.PREFIX), DEFAULT_WEIGHT, seed,
        VerbListener.NONE);
  }

  /** One scheduling attempt, sending node names ({@code nodeCacheCapable: true}). */
  public Outcome schedule(Pod pod, List<String> nodeNames) {
    return attempt(pod, new ExtenderArgs(pod, null, nodeNames));
  }

  /** One scheduling attempt, sending full Node objects ({@code nodeCacheCapable: false}). */
  public Outcome scheduleWithNodes(Pod pod, List<Node> nodes) {
    return attempt(pod, new ExtenderArgs(pod, new NodeListBuilder().withItems(nodes).build(), null));
  }

  /**
   * Several pods in kube-scheduler's order: each pod's scheduling cycle (filter, prioritize,
   * pick) runs in turn on the caller's thread, and its binding cycle is handed to {@code binders}
   * without waiting for it, as kube-scheduler binds asynchronously. Gang members need this: their
   * binds wait at the extender's barrier for each other. The futures complete in pod order's
   * positions with each pod's outcome.
   */
  public List<CompletableFuture<Outcome>> scheduleAll(
      List<Pod> pods, List<String> nodeNames, Executor binders) {
    List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
    for (Pod pod : pods) {
      Cycle cycle = cycle(pod, new ExtenderArgs(pod, null, nodeNames));
      if (cycle instanceof Ended ended) {
        outcomes.add(CompletableFuture.completedFuture(ended.outcome()));
      } else {
        Chosen c = (Chosen) cycle;
        outcomes.add(CompletableFuture.supplyAsync(() -> bound(pod, c), binders));
      }
    }
    return outcomes;
  }

  /** How a scheduling cycle ends: a node picked, or an outcome already (no bind). */
  private sealed interface Cycle permits Chosen, Ended {}

  /** The node a scheduling cycle picked, with every feasible node's total. */
  private record Chosen(String node, Map<String, Long> totals) implements Cycle {}

  private record Ended(Outcome outcome) implements Cycle {}

  private Outcome attempt(Pod pod, ExtenderArgs args) {
    Cycle cycle = cycle(pod, args);
    return cycle instanceof Ended ended ? ended.outcome() : bound(pod, (Chosen) cycle);
  }

  private Outcome bound(Pod pod, Chosen c) {
    ExtenderBindingResult bound = bind(pod, c.node());
    if (!bound.error().isEmpty()) {
      return new Outcome.Failed(Routes.BIND_VERB, bound.error());
    }
    return new Outcome.Bound(c.node(), c.totals());
  }

  /** Filter, prioritize and pick. */
  private Cycle cycle(Pod pod, ExtenderArgs args) {
    Answer<ExtenderFilterResult> filter =
        call(Routes.FILTER_VERB, args, new TypeReference<ExtenderFilterResult>() {});
    if (filter.value() == null) {
      return new Ended(new Outcome.Failed(Routes.FILTER_VERB, filter.problem()));
    }
    ExtenderFilterResult result = filter.value();
    if (result.error() != null && !result.error().isEmpty()) {
      return new Ended(new Outcome.Failed(Routes.FILTER_VERB, result.error()));
    }
    List<String> feasible = feasible(args, result);
    if (feasible.isEmpty()) {
      return new Ended(new Outcome.Unschedulable(
          orEmpty(result.failedNodes()), orEmpty(result.failedAndUnresolvableNodes())));
    }
    Map<String, Long> totals = new LinkedHashMap<>();
    feasible.forEach(n -> totals.put(n, 0L));
    if (feasible.size() > 1) {
      ExtenderArgs survivors =
          args.nodes() != null
              ? new ExtenderArgs(pod, survivingNodes(args, feasible), null)
              : new ExtenderArgs(pod, null, feasible);
      Answer<List<HostPriority>> scores =
          call(Routes.PRIORITIZE_VERB, survivors, new TypeReference<List<HostPriority>>() {});
      if (scores.value() != null) {
        for (HostPriority h : scores.value()) {
          totals.computeIfPresent(h.host(), (n, t) -> t + h.score() * weight * SCORE_SCALE);
        }
      }
    }
    return new Chosen(pick(totals), totals);
  }

  /** The bind call alone, as kube-scheduler's binding cycle (or its retry) sends it. */
  public ExtenderBindingResult bind(Pod pod, String node) {
    var meta = pod.getMetadata();
    Answer<ExtenderBindingResult> answer =
        call(
            Routes.BIND_VERB,
            new ExtenderBindingArgs(meta.getName(), meta.getNamespace(), meta.getUid(), node),
            new TypeReference<ExtenderBindingResult>() {});
    return answer.value() != null ? answer.value() : new ExtenderBindingResult(answer.problem());
  }

  /** The highest total; among equal ones, one drawn at random. */
  private String pick(Map<String, Long> totals) {
    long best = totals.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    List<String> top = new ArrayList<>();
    totals.forEach((n, t) -> {
      if (t == best) {
        top.add(n);
      }
    });
    return top.size() == 1 ? top.get(0) : top.get(random.nextInt(top.size()));
  }

  private static List<String> feasible(ExtenderArgs args, ExtenderFilterResult result) {
    if (args.nodes() == null) {
      return result.nodeNames() == null ? List.of() : result.nodeNames();
    }
    if (result.nodes() == null || result.nodes().getItems() == null) {
      return List.of();
    }
    return result.nodes().getItems().stream().map(n -> n.getMetadata().getName()).toList();
  }

  private static NodeList survivingNodes(
      ExtenderArgs args, List<String> feasible) {
    return new NodeListBuilder()
        .withItems(
            args.nodes().getItems().stream()
                .filter(n -> feasible.contains(n.getMetadata().getName()))
                .toList())
        .build();
  }

  private record Answer<T>(T value, String problem) {}

  private <T> Answer<T> call(String verb, Object body, TypeReference<T> type) {
    long start = System.nanoTime();
    int status = -1;
    try {
      HttpRequest request =
          HttpRequest.newBuilder(prefix.resolve(verb))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
              .build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      status = response.statusCode();
      if (status != 200) {
        return new Answer<>(
            null,
            "failed " + verb + " with extender at " + request.uri() + ", code " + status + ": "
                + new String(response.body(), StandardCharsets.UTF_8));
      }
      return new Answer<>(json.readValue(response.body(), type), "");
    } catch (IOException e) {
      return new Answer<>(null, "failed " + verb + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer<>(null, "interrupted during " + verb);
    } finally {
      listener.onCall(verb, status, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }
}
