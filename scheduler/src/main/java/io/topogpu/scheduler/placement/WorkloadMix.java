package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.model.GpuRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The typical workload, learned online from the GPU requests the scheduler has been asked to place:
 * what {@link ExpectedFragmentation} measures a node's leftovers against. Nothing is configured per
 * cluster or per trace; an extender feeds it one {@link #observe} per pod it places.
 *
 * <p>The published {@link #snapshot} is recomputed every {@code refreshEvery} observations (and at the
 * first), so scores are stable between refreshes and callers may memoise evaluations per {@link
 * Snapshot#version}. A snapshot keeps the most frequent request kinds (whole-GPU count k, or share of
 * m milli) covering at least {@value #COVERAGE_PERCENT}% of the observations, ties to the larger
 * request, with {@code p_m = count_m / Σ kept counts}. MIG requests are not counted (they use their
 * own instances). Thread-safe.
 */
public final class WorkloadMix {
  public static final int COVERAGE_PERCENT = 95;
  public static final int DEFAULT_REFRESH = 256;

  /** One kind of request and its probability in the typical workload. */
  public record Kind(GpuRequest request, double probability) {}

  /** An immutable published distribution; {@code version} 0 is the empty one (nothing learned). */
  public record Snapshot(long version, List<Kind> kinds) {
    public Snapshot {
      kinds = List.copyOf(kinds);
    }

    public boolean empty() {
      return kinds.isEmpty();
    }
  }

  private static final Comparator<GpuRequest> LARGER_FIRST =
      Comparator.comparingInt(WorkloadMix::milliOf).reversed();

  private final int refreshEvery;
  private final Map<GpuRequest, Long> counts = new HashMap<>();
  private long observed;
  private volatile Snapshot snapshot = new Snapshot(0, List.of());

  public WorkloadMix() {
    this(DEFAULT_REFRESH);
  }

  public WorkloadMix(int refreshEvery) {
    if (refreshEvery < 1) {
      throw new IllegalArgumentException("refreshEvery must be >= 1, got " + refreshEvery);
    }
    this.refreshEvery = refreshEvery;
  }

  /** Counts one pod's request; whole-GPU and share requests only. */
  public synchronized void observe(GpuRequest request) {
    if (request instanceof GpuRequest.MigInstances) {
      return;
    }
    counts.merge(request, 1L, Long::sum);
    observed++;
    if (observed == 1 || observed % refreshEvery == 0) {
      snapshot = publish(snapshot.version() + 1);
    }
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  private Snapshot publish(long version) {
    List<Map.Entry<GpuRequest, Long>> ranked = new ArrayList<>(counts.entrySet());
    ranked.sort(Map.Entry.<GpuRequest, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey(LARGER_FIRST)));
    double threshold = COVERAGE_PERCENT / 100.0 * observed;
    long covered = 0;
    int kept = 0;
    while (kept < ranked.size() && covered < threshold) {
      covered += ranked.get(kept++).getValue();
    }
    List<Kind> kinds = new ArrayList<>();
    for (Map.Entry<GpuRequest, Long> e : ranked.subList(0, kept)) {
      kinds.add(new Kind(e.getKey(), (double) e.getValue() / covered));
    }
    return new Snapshot(version, kinds);
  }

  /** Milli-GPU per GPU a request needs: 1000 for whole GPUs, m for a share (k × 1000 orders whole sets). */
  static int milliOf(GpuRequest r) {
    if (r instanceof GpuRequest.WholeGpus w) {
      return GpuRequest.GpuShare.WHOLE * w.count();
    }
    return r instanceof GpuRequest.GpuShare s ? s.milli() : 0;
  }
}
