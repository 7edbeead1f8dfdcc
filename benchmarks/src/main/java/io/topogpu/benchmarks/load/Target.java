package io.topogpu.benchmarks.load;

import io.topogpu.scheduler.bind.InMemoryBinder;
import io.topogpu.scheduler.extender.ExtenderBackend;
import io.topogpu.scheduler.extender.NoopBackend;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.service.GangHook;
import io.topogpu.scheduler.service.TopogpuBackend;
import io.topogpu.scheduler.state.ClusterState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An extender under test: its backend, served through the real HTTP stack, and what the informer
 * would tell it outside HTTP: a pod was created ({@code arrived}, before its filter call) or has
 * finished ({@code departed}).
 */
record Target(String name, ExtenderBackend backend, Consumer<PodInfo> arrived, Consumer<String> departed) {
  static final String TOPOGPU = "topogpu";
  static final String NOOP = "noop";

  /**
   * The targets of every run, by name, in a fixed order: topogpu (the production backend, {@link
   * TopogpuBackend} on a {@link ClusterState} loaded with the cluster's nodes and annotated pods,
   * a fresh GPU-set memo, binds kept in memory; pending pods are announced to the state as the
   * informer would, hence {@code FROM_SOURCE}) and the no-op floor.
   */
  static final Map<String, Function<SyntheticCluster, Target>> ALL = table();

  private static Map<String, Function<SyntheticCluster, Target>> table() {
    Map<String, Function<SyntheticCluster, Target>> m = new LinkedHashMap<>();
    m.put(TOPOGPU, cluster -> {
      Placer placer = new Placer(Policy.defaults());
      ClusterState state = new ClusterState(placer::attribute);
      state.replaceAll(cluster::nodes, cluster::pods);
      TopogpuBackend backend = new TopogpuBackend(state, placer, new InMemoryBinder(), GangHook.NONE,
          TopogpuBackend.PodDiscovery.FROM_SOURCE);
      return new Target(TOPOGPU, backend, state::putPod, state::removePod);
    });
    m.put(NOOP, cluster -> new Target(NOOP, new NoopBackend(), pod -> {}, key -> {}));
    return Collections.unmodifiableMap(m);
  }
}
