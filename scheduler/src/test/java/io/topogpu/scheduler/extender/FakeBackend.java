package io.topogpu.scheduler.extender;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted {@link ExtenderBackend} for HTTP tests. It knows a set of nodes (its "cache") and
 * pods; filter rejects unknown nodes as {@code NodeNotInCache} and any node given a rejection;
 * prioritize returns the configured scores; bind fails for unknown pods or nodes. Each verb can be
 * made to throw, and bind can be held open until the test completes it.
 */
final class FakeBackend implements ExtenderBackend {
  static final NodeRejection NOT_IN_CACHE =
      NodeRejection.resolvable("NodeNotInCache", "topogpu: node not in the extender's cache yet");

  private final Set<String> knownNodes = new HashSet<>();
  private final Set<String> knownPods = new HashSet<>();
  private final Map<String, NodeRejection> rejections = new HashMap<>();
  private final Map<String, Long> scores = new LinkedHashMap<>();
  private volatile Readiness readiness = Readiness.READY;
  private volatile RuntimeException failure;
  private volatile String podError;
  private volatile CompletableFuture<BindResponse> heldBind;
  final List<FilterRequest> filtered = new CopyOnWriteArrayList<>();
  final List<BindRequest> bound = new CopyOnWriteArrayList<>();

  static FakeBackend withNodes(String... names) {
    FakeBackend fake = new FakeBackend();
    fake.knownNodes.addAll(List.of(names));
    return fake;
  }

  FakeBackend withPod(String namespace, String name) {
    knownPods.add(namespace + "/" + name);
    return this;
  }

  FakeBackend rejecting(String node, NodeRejection rejection) {
    rejections.put(node, rejection);
    return this;
  }

  FakeBackend scoring(String node, long score) {
    scores.put(node, score);
    return this;
  }

  /** Every verb throws {@code e} (bind: its stage fails). */
  FakeBackend throwing(RuntimeException e) {
    failure = e;
    return this;
  }

  /** Filter answers an error about the pod. */
  FakeBackend failingPodWith(String error) {
    podError = error;
    return this;
  }

  FakeBackend readiness(Readiness value) {
    readiness = value;
    return this;
  }

  /** The next binds wait until the returned future is completed. */
  CompletableFuture<BindResponse> holdBinds() {
    heldBind = new CompletableFuture<>();
    return heldBind;
  }

  @Override
  public FilterResponse filter(FilterRequest request) {
    filtered.add(request);
    throwIfFailing();
    if (podError != null) {
      return FilterResponse.failed(podError);
    }
    List<String> feasible = new ArrayList<>();
    Map<String, NodeRejection> rejected = new LinkedHashMap<>();
    for (String node : request.nodeNames()) {
      if (!knownNodes.contains(node)) {
        rejected.put(node, NOT_IN_CACHE);
      } else if (rejections.containsKey(node)) {
        rejected.put(node, rejections.get(node));
      } else {
        feasible.add(node);
      }
    }
    return FilterResponse.of(feasible, rejected);
  }

  @Override
  public List<HostPriority> prioritize(FilterRequest request) {
    throwIfFailing();
    List<HostPriority> out = new ArrayList<>();
    for (String node : request.nodeNames()) {
      out.add(new HostPriority(node, scores.getOrDefault(node, 0L)));
    }
    return out;
  }

  @Override
  public CompletionStage<BindResponse> bind(BindRequest request) {
    bound.add(request);
    throwIfFailing();
    if (!knownPods.contains(request.podNamespace() + "/" + request.podName())) {
      return CompletableFuture.completedFuture(
          BindResponse.failed("unknown pod " + request.podNamespace() + "/" + request.podName()));
    }
    if (!knownNodes.contains(request.node())) {
      return CompletableFuture.completedFuture(
          BindResponse.failed("node " + request.node() + " is not in the cache"));
    }
    CompletableFuture<BindResponse> held = heldBind;
    return held != null ? held : CompletableFuture.completedFuture(BindResponse.bound());
  }

  @Override
  public Readiness readiness() {
    return readiness;
  }

  private void throwIfFailing() {
    if (failure != null) {
      throw failure;
    }
  }
}
