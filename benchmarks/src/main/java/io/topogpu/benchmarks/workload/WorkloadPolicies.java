package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/** The policies compared, by name: how each places pods, one at a time or a whole job at once. */
public final class WorkloadPolicies {
  /** What a policy is built from in one run. */
  public record Context(SplittableRandom random, DevicePluginAllocator devicePlugin) {}

  /** How a policy starts jobs. */
  public sealed interface Strategy {}

  /** Pods are bound one by one as each fits; a job runs once all its pods are bound. */
  public record PerPod(PodPlacer placer) implements Strategy {}

  /** A job's pods are bound together or not at all. */
  public record AllOrNothing(GangStarter starter) implements Strategy {}

  /** A policy: its name, a one-line description and how a run builds its strategy. */
  public record Entry(String name, String description, Function<Context, Strategy> strategy) {}

  private static final Map<String, Entry> TABLE = new LinkedHashMap<>();

  static {
    add(new Entry("k8s-default", "kube-scheduler LeastAllocated (spread), no gang, device-plugin GPUs",
        c -> new PerPod(new KubeScorePlacer(false, c.random(), c.devicePlugin()))));
    add(new Entry("k8s-mostallocated", "kube-scheduler MostAllocated (bin-pack), no gang, device-plugin GPUs",
        c -> new PerPod(new KubeScorePlacer(true, c.random(), c.devicePlugin()))));
    add(new Entry("topogpu", "topogpu Placer (topology-first), pods placed one by one, no gang",
        c -> new PerPod(new TopogpuPlacer(new Placer(Policy.defaults())))));
    add(new Entry("topogpu-gang", "topogpu GangPlanner: all pods at once, tightest node/leaf/spine domain",
        c -> new AllOrNothing(new TopogpuGangStarter())));
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
