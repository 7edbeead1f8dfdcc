package io.topogpu.nodeagent.plugin;

import io.topogpu.topology.Keys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Device IDs the kubelet allocated → what the container gets. {@code NVIDIA_VISIBLE_DEVICES} lists
 * the physical devices (GPU or MIG UUIDs; a share's GPU once) in the order given. A share of
 * {@code m} units also gets its limits: {@code TOPOGPU_GPU_MILLI=m}, {@code
 * TOPOGPU_GPU_MEMORY_LIMIT_MIB} = GPU memory × m / 1000 rounded down, and {@code
 * CUDA_MPS_ACTIVE_THREAD_PERCENTAGE} = ⌈m / 10⌉ (honoured when the node runs the MPS control daemon;
 * otherwise advisory for the workload).
 */
final class Grants {
  private Grants() {}

  static Grant of(Inventory inv, String resource, List<String> ids, GrantSettings settings) {
    Set<String> physical = new LinkedHashSet<>();
    ids.forEach(id -> physical.add(DeviceIds.physical(id)));
    Map<String, String> env = new LinkedHashMap<>();
    env.put(Keys.ENV_NVIDIA_VISIBLE_DEVICES, String.join(",", physical));
    if (DeviceIds.isShare(resource)) {
      int units = ids.size();
      long memory = physical.isEmpty() ? 0
          : inv.gpuByUuid(physical.iterator().next()).map(g -> g.memoryMiB()).orElse(0L);
      env.put(Keys.ENV_GPU_MILLI, Integer.toString(units));
      env.put(Keys.ENV_GPU_MEMORY_LIMIT_MIB, Long.toString(memory * units / DeviceIds.UNITS_PER_GPU));
      env.put(Keys.ENV_CUDA_MPS_THREAD_PERCENTAGE, Integer.toString((units + 9) / 10));
    }
    List<String> cdi = new ArrayList<>();
    settings.cdiKind().ifPresent(kind -> physical.forEach(uuid -> cdi.add(kind + "=" + uuid)));
    return new Grant(env, cdi);
  }
}
