package io.topogpu.nodeagent.plugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The device plugin's decisions, free of gRPC: which IDs to prefer and what to hand a container.
 *
 * <p>GetPreferredAllocation: the matched pod's chosen IDs ({@link AdmissionMatcher}) when all are
 * available and include {@code mustInclude}; otherwise {@link FallbackChoice}, reported as a {@code
 * fallback} (with the pod) or {@code unmatched} (no pod). Allocate: the kubelet's IDs are final; the
 * matched container is claimed, and reported {@code honoured} when they are the chosen ones, else
 * {@code mismatch}. Thread-safe: the kubelet calls one plugin from several goroutines.
 *
 * <p>The pod is looked up in the watch cache first and, when no pod there matches, in a fresh read
 * of the API server: the kubelet can admit a pod before the agent's watch has delivered its bind,
 * and the plugin would otherwise answer the request as unmatched.
 */
public final class AllocationCore {
  private final Supplier<Inventory> inventory;
  private final PendingPods pending;
  private final Supplier<KubeletAllocations> kubelet;
  private final AllocationListener listener;
  private final GrantSettings settings;
  private final Claims claims = new Claims();

  public AllocationCore(Supplier<Inventory> inventory, Supplier<Collection<PendingPod>> pending,
      Supplier<KubeletAllocations> kubelet, AllocationListener listener, GrantSettings settings) {
    this(inventory, PendingPods.of(pending), kubelet, listener, settings);
  }

  public AllocationCore(Supplier<Inventory> inventory, PendingPods pending,
      Supplier<KubeletAllocations> kubelet, AllocationListener listener, GrantSettings settings) {
    this.inventory = inventory;
    this.pending = pending;
    this.kubelet = kubelet;
    this.listener = listener;
    this.settings = settings;
  }

  /** One container's preference: {@code size} IDs out of {@code available}. */
  public synchronized List<String> preferred(String resource, List<String> available, List<String> mustInclude, int size) {
    Optional<AdmissionMatcher.Match> match = match(resource, size);
    if (match.isPresent()) {
      AdmissionMatcher.Match m = match.get();
      Optional<List<String>> wanted = m.choice().wanted(m.offset(), size, available);
      if (wanted.isPresent() && wanted.get().containsAll(mustInclude)) {
        listener.decided("preferred", resource, AllocationListener.HONOURED, m.pod(), wanted.get(), wanted.get());
        return wanted.get();
      }
    }
    List<String> best = FallbackChoice.choose(inventory.get(), resource, available, mustInclude, size);
    listener.decided("preferred", resource, match.isPresent() ? AllocationListener.FALLBACK : AllocationListener.UNMATCHED,
        match.map(AdmissionMatcher.Match::pod).orElse(null), chosenOf(match, size), best);
    return best;
  }

  /** One container's grant for the IDs the kubelet allocated. */
  public synchronized Grant allocate(String resource, List<String> ids) {
    Optional<AdmissionMatcher.Match> match = match(resource, ids.size());
    if (match.isEmpty()) {
      listener.decided("allocate", resource, AllocationListener.UNMATCHED, null, List.of(), ids);
    } else {
      AdmissionMatcher.Match m = match.get();
      claims.claim(m.pod(), m.ask().container(), resource, ids);
      boolean honoured = m.choice().honouredBy(m.offset(), ids);
      listener.decided("allocate", resource, honoured ? AllocationListener.HONOURED : AllocationListener.MISMATCH,
          m.pod(), chosenOf(match, ids.size()), ids);
    }
    return Grants.of(inventory.get(), resource, ids, settings);
  }

  private Optional<AdmissionMatcher.Match> match(String resource, int size) {
    KubeletAllocations reported = kubelet.get();
    Optional<AdmissionMatcher.Match> cached = match(resource, size, pending.cached(), reported);
    return cached.isPresent() ? cached : match(resource, size, pending.fresh(), reported);
  }

  private Optional<AdmissionMatcher.Match> match(String resource, int size, Collection<PendingPod> pods,
      KubeletAllocations reported) {
    claims.refresh(reported, pods.stream().map(PendingPod::key).toList());
    return AdmissionMatcher.match(resource, size, pods,
        (pod, container, r) -> reported.holds(pod.key(), container, r) || claims.claimed(pod, container, r));
  }

  /** What the scheduler chose for the matched container, for reports; a share's as its GPU. */
  private static List<String> chosenOf(Optional<AdmissionMatcher.Match> match, int size) {
    if (match.isEmpty()) {
      return List.of();
    }
    Choice c = match.get().choice();
    if (c instanceof Choice.Exact e) {
      int from = Math.min(match.get().offset(), e.ids().size());
      return new ArrayList<>(e.ids().subList(from, Math.min(from + size, e.ids().size())));
    }
    return List.of(((Choice.UnitsOf) c).gpuUuid());
  }
}
