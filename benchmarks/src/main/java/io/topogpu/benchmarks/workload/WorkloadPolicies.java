package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.gang.GangSettings;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The policies compared, by name: how each places pods, one at a time or a whole job at once. The
 * {@link #MAIN} four are the comparison; the others are diagnostics, each one change to a topogpu policy
 * (no starvation hold; the {@code link} score term off) to measure what that change does.
 */
public final class WorkloadPolicies {
  /** The extender's starvation threshold, {@link GangSettings#DEFAULTS}. */
  public static final Duration DEFAULT_STARVATION_AFTER = GangSettings.DEFAULTS.starvationAfter();

  /**
   * What a policy is built from in one run.
   *
   * @param starvationAfter how long a gang waits before the gang policies hold a domain for it
   */
  public record Context(SplittableRandom random, DevicePluginAllocator devicePlugin, Duration starvationAfter) {
    public Context {
      if (starvationAfter.isNegative() || starvationAfter.isZero()) {
        throw new IllegalArgumentException("starvationAfter: must be positive, got " + starvationAfter);
      }
    }
  }

  /** How a policy starts jobs. */
  public sealed interface Strategy {}

  /** Pods are bound one by one as each fits; a job runs once all its pods are bound. */
  public record PerPod(PodPlacer placer) implements Strategy {}

  /**
   * A job's pods are bound together or not at all. With {@code starvationAfter}, the extender's
   * starvation hold applies ({@link StarvationHold}); empty means gangs are never held for.
   */
  public record AllOrNothing(GangStarter starter, Optional<Duration> starvationAfter) implements Strategy {}

  /** A policy: its name, a one-line description and how a run builds its strategy. */
  public record Entry(String name, String description, Function<Context, Strategy> strategy) {}


  /** The four policies compared; the default of {@code simulate workload}. */
  public static final List<String> MAIN = List.of("k8s-default", "k8s-mostallocated", "topogpu", "topogpu-gang");

  private static final Map<String, Entry> TABLE = new LinkedHashMap<>();

  static {
    add(new Entry("k8s-default", "kube-scheduler LeastAllocated (spread), no gang, device-plugin GPUs",
        c -> new PerPod(new KubeScorePlacer(false, c.random(), c.devicePlugin()))));
    add(new Entry("k8s-mostallocated", "kube-scheduler MostAllocated (bin-pack), no gang, device-plugin GPUs",
        c -> new PerPod(new KubeScorePlacer(true, c.random(), c.devicePlugin()))));
    add(new Entry("topogpu", "topogpu Placer (topology-first), pods placed one by one, no gang",
        c -> new PerPod(new TopogpuPlacer(new Placer(Policy.defaults())))));
    add(new Entry("topogpu-gang", "topogpu GangPlanner: all pods at once, tightest node/leaf/spine domain, "
        + "starvation hold as the extender",
        c -> new AllOrNothing(new TopogpuGangStarter(), Optional.of(c.starvationAfter()))));
    add(new Entry("topogpu-gang-nohold", "diagnostic: topogpu-gang without the starvation hold",
        c -> new AllOrNothing(new TopogpuGangStarter(), Optional.empty())));
    add(new Entry("topogpu-nolink", "diagnostic: topogpu pod by pod with the link score term at weight 0",
        c -> new PerPod(new TopogpuPlacer(new Placer(
            Policy.of(Policy.DEFAULT_PRESET, Map.of(Policy.LINK_TERM, 0), Policy.DEFAULT_CACHE_ENTRIES))))));
  }

  private WorkloadPolicies() {}

  private static void add(Entry e) {
    TABLE.put(e.name(), e);
  }

  public static List<String> names() {
    return List.copyOf(TABLE.keySet());
  }

  /** The named policy; unknown names fail listing the known ones. */
  public static Entry require(String name) {
    Entry e = TABLE.get(name);
    if (e == null) {
      throw new IllegalArgumentException("unknown policy '" + name + "'; known policies: " + String.join(", ", names()));
    }
    return e;
  }
}
