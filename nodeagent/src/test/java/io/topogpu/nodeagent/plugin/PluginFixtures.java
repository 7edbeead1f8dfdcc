package io.topogpu.nodeagent.plugin;

import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.BoundGpus;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Health;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.testing.MakeTopology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A 4-GPU node (NV12 pairs 0-1 and 2-3, SYS otherwise; 40 GiB each) and pods bound to it. */
final class PluginFixtures {
  static final String NODE = "n1";

  private PluginFixtures() {}

  static String uuid(int g) {
    return "GPU-" + g;
  }

  static NodeTopology fourGpus() {
    NodeTopology t = MakeTopology.gpus(4).nvlinkPair(0, 1, 12).nvlinkPair(2, 3, 12).numa(0, 0, 1, 1).build();
    List<Gpu> gpus = new ArrayList<>();
    for (Gpu g : t.gpus()) {
      gpus.add(new Gpu(g.index(), uuid(g.index()), "A100", 40960, "", g.numaNode(), "", Health.HEALTHY, MigState.DISABLED));
    }
    return new NodeTopology(gpus, t.links(), t.nics(), t.fabric());
  }

  /** GPU 3 in MIG mode with two 1g.10gb instances MIG-a and MIG-b. */
  static NodeTopology withMigOnGpu3() {
    NodeTopology t = fourGpus();
    List<Gpu> gpus = new ArrayList<>(t.gpus());
    gpus.set(3, gpus.get(3).withMig(new MigState(true, 7, List.of(
        new MigInstance("1g.10gb", 0, 1, 9984, "MIG-a", 7), new MigInstance("1g.10gb", 1, 1, 9984, "MIG-b", 8)))));
    return new NodeTopology(gpus, t.links(), t.nics(), t.fabric());
  }

  static PendingPod wholePod(String name, int second, List<Integer> gpus, int... containerSizes) {
    List<BoundGpus.Gpu> chosen = gpus.stream().map(g -> new BoundGpus.Gpu(g, uuid(g))).toList();
    return pod(name, second, Keys.RESOURCE_GPU, new BoundGpus(NODE, chosen, 0, List.of(), Optional.empty()), containerSizes);
  }

  static PendingPod sharePod(String name, int second, int gpu, int milli) {
    return pod(name, second, Keys.RESOURCE_GPU_MILLI,
        new BoundGpus(NODE, List.of(new BoundGpus.Gpu(gpu, uuid(gpu))), milli, List.of(), Optional.empty()), milli);
  }

  static PendingPod migPod(String name, int second, String migUuid) {
    BoundGpus b = new BoundGpus(NODE, List.of(), 0, List.of(new BoundGpus.Mig(3, "1g.10gb", 0, 1, migUuid)), Optional.empty());
    return pod(name, second, "nvidia.com/mig-1g.10gb", b, 1);
  }

  static PendingPod pod(String name, int second, String resource, BoundGpus chosen, int... containerSizes) {
    List<PendingPod.Ask> asks = new ArrayList<>();
    for (int i = 0; i < containerSizes.length; i++) {
      asks.add(new PendingPod.Ask("c" + i, containerSizes[i]));
    }
    return new PendingPod("default", name, "uid-" + name, Instant.ofEpochSecond(second), Map.of(resource, asks), chosen);
  }

  static List<String> gpuIds(int... gpus) {
    List<String> out = new ArrayList<>();
    for (int g : gpus) {
      out.add(uuid(g));
    }
    return out;
  }
}
