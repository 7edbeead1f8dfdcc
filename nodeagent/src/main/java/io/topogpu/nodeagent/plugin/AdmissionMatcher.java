package io.topogpu.nodeagent.plugin;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which pod the kubelet is admitting when it asks for {@code size} devices of a resource. The
 * kubelet names no pod, so the rule is: among the pods bound to this node with a {@code
 * topogpu.io/gpus} choice for the resource, oldest bind first (ties: namespace/name), take each
 * pod's first container asking for the resource that the kubelet has not yet been seen to allocate
 * (PodResources, or this agent's own claims since the last PodResources read); the first pod whose
 * such container asks for exactly {@code size} is the match.
 *
 * <p>What the rule cannot tell apart: two pods asking the same resource with the same container
 * sizes, when the kubelet admits the younger bind first. They then take each other's sets; the
 * reconciler publishes what each really holds and the scheduler's ledger follows it. Pods of
 * different sizes or resources, pods already allocated, and several containers of one pod are told
 * apart exactly.
 */
final class AdmissionMatcher {
  /** A pod's container and where its devices start in the pod's choice for the resource. */
  record Match(PendingPod pod, PendingPod.Ask ask, int offset, Choice choice) {}

  /** Has the kubelet (or this agent since its last look) allocated this container's devices? */
  interface Admitted {
    boolean admitted(PendingPod pod, String container, String resource);
  }

  static final Comparator<PendingPod> BIND_ORDER = Comparator.comparing(PendingPod::boundAt)
      .thenComparing(PendingPod::namespace)
      .thenComparing(PendingPod::name);

  private AdmissionMatcher() {}

  static Optional<Match> match(String resource, int size, Collection<PendingPod> pods, Admitted admitted) {
    List<PendingPod> ordered = pods.stream().sorted(BIND_ORDER).toList();
    for (PendingPod pod : ordered) {
      Optional<Choice> choice = Choice.of(pod.chosen(), resource);
      List<PendingPod.Ask> asks = pod.asks().getOrDefault(resource, List.of());
      if (choice.isEmpty() || asks.isEmpty()) {
        continue;
      }
      int offset = 0;
      for (PendingPod.Ask ask : asks) {
        if (!admitted.admitted(pod, ask.container(), resource)) {
          if (ask.size() == size) {
            return Optional.of(new Match(pod, ask, offset, choice.get()));
          }
          break; // the kubelet admits a pod's containers in order: this pod's next one is not this size
        }
        offset += ask.size();
      }
    }
    return Optional.empty();
  }
}
