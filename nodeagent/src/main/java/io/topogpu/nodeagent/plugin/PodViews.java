package io.topogpu.nodeagent.plugin;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.BoundGpus;
import io.topogpu.topology.annotation.GpusCodec;
import io.topogpu.topology.annotation.GpusException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * fabric8 {@link Pod} → {@link PendingPod}: only Pending pods bound to {@code node} whose {@code
 * topogpu.io/gpus} decodes and names this node. Amounts are the containers' limits of the owned
 * resources (extended resources have request = limit), init containers first.
 */
public final class PodViews {
  private PodViews() {}

  /** Empty for a pod the plugin should not match; a bad annotation is {@code problem}'s. */
  public static Optional<PendingPod> of(Pod pod, String node, Predicate<String> owned, java.util.function.BiConsumer<Pod, String> problem) {
    if (pod.getSpec() == null || !node.equals(pod.getSpec().getNodeName())
        || pod.getStatus() == null || !"Pending".equals(pod.getStatus().getPhase())) {
      return Optional.empty();
    }
    String value = pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(Keys.GPUS);
    if (value == null) {
      return Optional.empty();
    }
    BoundGpus chosen;
    try {
      chosen = GpusCodec.decode(value);
    } catch (GpusException e) {
      problem.accept(pod, Keys.GPUS + ": " + e.getMessage());
      return Optional.empty();
    }
    if (!chosen.node().equals(node)) {
      return Optional.empty();
    }
    Map<String, List<PendingPod.Ask>> asks = new LinkedHashMap<>();
    Stream.concat(pod.getSpec().getInitContainers().stream(), pod.getSpec().getContainers().stream())
        .forEach(c -> amounts(c, owned).forEach((r, n) -> asks.computeIfAbsent(r, k -> new ArrayList<>())
            .add(new PendingPod.Ask(c.getName(), n))));
    return Optional.of(new PendingPod(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
        pod.getMetadata().getUid(), boundAt(pod), asks, chosen));
  }

  private static Map<String, Integer> amounts(Container c, Predicate<String> owned) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (c.getResources() == null || c.getResources().getLimits() == null) {
      return out;
    }
    for (Map.Entry<String, Quantity> e : c.getResources().getLimits().entrySet()) {
      if (owned.test(e.getKey())) {
        int n = Quantity.getAmountInBytes(e.getValue()).intValueExact();
        if (n > 0) {
          out.put(e.getKey(), n);
        }
      }
    }
    return out;
  }

  /** PodScheduled's transition time (the bind), else the creation time, else the epoch. */
  static Instant boundAt(Pod pod) {
    List<PodCondition> conditions = pod.getStatus().getConditions() == null ? List.of() : pod.getStatus().getConditions();
    return conditions.stream()
        .filter(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus()) && c.getLastTransitionTime() != null)
        .map(c -> Instant.parse(c.getLastTransitionTime()))
        .findFirst()
        .or(() -> Optional.ofNullable(pod.getMetadata().getCreationTimestamp()).map(Instant::parse))
        .orElse(Instant.EPOCH);
  }
}
