package io.topogpu.nodeagent.plugin;

import io.topogpu.topology.Keys;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The devices of each resource the plugin owns on this node, derived from the probed topology
 * (health included). GPUs in MIG mode offer their MIG devices ({@code nvidia.com/mig-<profile>},
 * the "mixed" strategy) and neither {@code nvidia.com/gpu} nor shares; other GPUs offer both
 * {@code nvidia.com/gpu} and {@value DeviceIds#UNITS_PER_GPU} {@code topogpu.io/gpu-milli} units.
 * The kubelet counts the two resources separately: keeping a GPU from being given whole and in
 * shares at once is the scheduler's ledger's job. Immutable.
 */
public final class Inventory {
  private final NodeTopology topology;
  private final Map<String, List<PluginDevice>> byResource;
  private final Map<String, Integer> gpuByUuid = new HashMap<>();

  public Inventory(NodeTopology topology) {
    this.topology = topology;
    Map<String, List<PluginDevice>> m = new TreeMap<>();
    m.put(Keys.RESOURCE_GPU, new ArrayList<>());
    m.put(Keys.RESOURCE_GPU_MILLI, new ArrayList<>());
    for (Gpu g : topology.gpus()) {
      if (g.uuid().isEmpty()) {
        continue;
      }
      gpuByUuid.put(g.uuid(), g.index());
      if (g.mig().enabled()) {
        for (MigInstance mi : g.mig().instances()) {
          if (!mi.uuid().isEmpty()) {
            m.computeIfAbsent(DeviceIds.migResource(mi.profile()), r -> new ArrayList<>())
                .add(new PluginDevice(mi.uuid(), g.index(), g.numaNode(), g.healthy()));
            gpuByUuid.put(mi.uuid(), g.index());
          }
        }
        continue;
      }
      m.get(Keys.RESOURCE_GPU).add(new PluginDevice(g.uuid(), g.index(), g.numaNode(), g.healthy()));
      for (int k = 0; k < DeviceIds.UNITS_PER_GPU; k++) {
        m.get(Keys.RESOURCE_GPU_MILLI).add(new PluginDevice(DeviceIds.unit(g.uuid(), k), g.index(), g.numaNode(), g.healthy()));
      }
    }
    m.replaceAll((r, l) -> List.copyOf(l));
    this.byResource = java.util.Collections.unmodifiableMap(m);
  }

  /**
   * This inventory with every GPU unhealthy for {@code reason}: what the kubelet is told when NVML
   * cannot be reached (driver gone, GPU lost), until a probe succeeds again.
   */
  public Inventory allUnhealthy(String reason) {
    List<Gpu> gpus = topology.gpus().stream().map(g -> g.unhealthy(reason)).toList();
    return new Inventory(new NodeTopology(gpus, topology.links(), topology.nics(), topology.fabric()));
  }

  public NodeTopology topology() {
    return topology;
  }

  /** Resource name → devices, resource names sorted; always holds gpu and gpu-milli (maybe empty). */
  public Map<String, List<PluginDevice>> byResource() {
    return byResource;
  }

  public List<PluginDevice> devices(String resource) {
    return byResource.getOrDefault(resource, List.of());
  }

  /** The NVML index of the GPU behind a device ID (a unit's GPU, a MIG device's parent). */
  public Optional<Integer> gpuOf(String id) {
    return Optional.ofNullable(gpuByUuid.get(DeviceIds.physical(id)));
  }

  public Optional<Gpu> gpuByUuid(String uuid) {
    return Optional.ofNullable(gpuByUuid.get(uuid)).map(topology::gpu);
  }
}
