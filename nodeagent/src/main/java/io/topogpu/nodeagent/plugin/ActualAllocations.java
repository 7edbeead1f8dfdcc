package io.topogpu.nodeagent.plugin;

import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.BoundGpus;
import io.topogpu.topology.annotation.GpusCodec;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.MigInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What each pod really holds, from the kubelet's PodResources, as the value of the pod annotation
 * {@code topogpu.io/allocated}: the {@code topogpu.io/gpus} format without a gang part, so the
 * scheduler reads it with the same codec. All containers of a pod are summed: whole GPUs by index,
 * ascending ({@code nvidia.com/gpu}); a share as the one GPU its units belong to and the unit count
 * as {@code milli} ({@code topogpu.io/gpu-milli}); MIG devices with their GPU, profile and slices
 * ({@code nvidia.com/mig-*}). Device IDs this node's inventory does not know (a GPU gone since) are
 * left out; a pod none of whose IDs is known gets no value. Pure: the caller writes.
 */
public final class ActualAllocations {
  private ActualAllocations() {}

  /** Pod key → annotation value, for the pods PodResources reports with devices of ours. */
  public static Map<String, String> of(KubeletAllocations reported, Inventory inventory, String node) {
    Map<String, String> out = new TreeMap<>();
    reported.pods().forEach((pod, containers) -> value(containers, inventory, node).ifPresent(v -> out.put(pod, v)));
    return out;
  }

  private static Optional<String> value(Map<String, Map<String, List<String>>> containers, Inventory inventory, String node) {
    TreeSet<Integer> whole = new TreeSet<>();
    Map<Integer, Integer> unitsByGpu = new TreeMap<>();
    List<BoundGpus.Mig> mig = new ArrayList<>();
    containers.values().forEach(byResource -> byResource.forEach((resource, ids) -> {
      for (String id : ids) {
        Optional<Integer> gpu = inventory.gpuOf(id);
        if (gpu.isEmpty()) {
          continue;
        }
        if (resource.equals(Keys.RESOURCE_GPU)) {
          whole.add(gpu.get());
        } else if (DeviceIds.isShare(resource)) {
          unitsByGpu.merge(gpu.get(), 1, Integer::sum);
        } else if (DeviceIds.isMig(resource)) {
          Gpu parent = inventory.topology().gpu(gpu.get());
          parent.mig().instances().stream().filter(m -> m.uuid().equals(id)).findFirst()
              .ifPresent(m -> mig.add(mig(parent.index(), m)));
        }
      }
    }));
    List<BoundGpus.Gpu> gpus = new ArrayList<>();
    int milli = 0;
    if (!whole.isEmpty()) {
      whole.forEach(g -> gpus.add(new BoundGpus.Gpu(g, inventory.topology().gpu(g).uuid())));
    } else if (!unitsByGpu.isEmpty()) {
      // A share is one GPU's units; units of several GPUs (not what topogpu schedules) are listed as
      // whole GPUs: the ledger then over-counts, never frees a GPU in use.
      unitsByGpu.keySet().forEach(g -> gpus.add(new BoundGpus.Gpu(g, inventory.topology().gpu(g).uuid())));
      milli = unitsByGpu.size() == 1 ? Math.min(DeviceIds.UNITS_PER_GPU, unitsByGpu.values().iterator().next()) : 0;
    }
    if (gpus.isEmpty() && mig.isEmpty()) {
      return Optional.empty();
    }
    mig.sort(Comparator.comparingInt(BoundGpus.Mig::gpu).thenComparingInt(BoundGpus.Mig::start));
    return Optional.of(GpusCodec.encode(new BoundGpus(node, gpus, milli, gpus.isEmpty() ? mig : List.of(),
        Optional.empty())));
  }

  private static BoundGpus.Mig mig(int gpu, MigInstance m) {
    return new BoundGpus.Mig(gpu, m.profile(), m.start(), m.size(), m.uuid());
  }
}
