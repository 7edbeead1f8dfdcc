package io.topogpu.nodeagent.discovery;

import io.topogpu.nodeagent.nvml.Nvml;
import io.topogpu.nodeagent.nvml.NvmlException;
import io.topogpu.nodeagent.nvml.NvmlReturn;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MIG state of one GPU from NVML: mode, the memory-slice axis, and the GPU instances with their
 * placements, canonical profile names, memory and MIG device UUIDs.
 *
 * <p>{@code slices} is the length of the placement axis, {@code max(start + size)} over every
 * possible placement of every profile (8 on A100/H100: the 7g profile sits at {@code {0}:8}); 0
 * when placements cannot be read (they need privileges). Profiles are enumerated by selector
 * {@code 0 .. 0x11}, skipping NOT_SUPPORTED, until INVALID_ARGUMENT.
 *
 * <p>A MIG query the driver refuses ({@link #REFUSALS}: an unprivileged process without the MIG
 * monitor capability) loses only this GPU's MIG state, never the probe: the GPU is published with
 * {@link MigState#unknown} naming the call and the code, and nothing of it is placed until a later
 * probe reads it. Any other failure propagates.
 */
final class MigDiscovery {
  static final int PROFILE_SELECTORS = 0x12;
  /** NVML answers to a MIG query that mean "not allowed to look", not "driver broken". */
  static final Set<NvmlReturn> REFUSALS = EnumSet.of(NvmlReturn.NO_PERMISSION);

  private MigDiscovery() {}

  static MigState of(Nvml nvml, int gpu, long gpuMemoryMiB) {
    try {
      return read(nvml, gpu, gpuMemoryMiB);
    } catch (NvmlException e) {
      if (REFUSALS.contains(e.code())) {
        return MigState.unknown("refused by the driver: " + e.getMessage());
      }
      throw e;
    }
  }

  private static MigState read(Nvml nvml, int gpu, long gpuMemoryMiB) {
    if (!Absent.unlessAbsent(() -> nvml.migEnabled(gpu)).orElse(false)) {
      return MigState.DISABLED;
    }
    Map<Integer, MigDeviceSeen> devices = migDevices(nvml, gpu);
    int slices = 0;
    List<MigInstance> instances = new ArrayList<>();
    for (int s = 0; s < PROFILE_SELECTORS; s++) {
      int selector = s;
      Optional<Nvml.GpuInstanceProfile> found;
      try {
        found = Absent.unlessAbsent(() -> nvml.gpuInstanceProfile(gpu, selector));
      } catch (NvmlException e) {
        if (e.code() == NvmlReturn.INVALID_ARGUMENT) {
          break;
        }
        throw e;
      }
      if (found.isEmpty()) {
        continue;
      }
      Nvml.GpuInstanceProfile p = found.get();
      String name = MigProfileNames.name(selector, p.sliceCount(), p.memorySizeMiB(), gpuMemoryMiB);
      for (Nvml.Placement pl : Absent.unlessAbsent(() -> nvml.possiblePlacements(gpu, p.id()), NvmlReturn.NO_PERMISSION)
          .orElse(List.of())) {
        slices = Math.max(slices, pl.start() + pl.size());
      }
      for (Nvml.GpuInstance gi : nvml.gpuInstances(gpu, p.id(), p.instanceCount())) {
        MigDeviceSeen d = devices.get(gi.id());
        instances.add(new MigInstance(name, gi.placement().start(), gi.placement().size(),
            d != null ? d.memoryMiB : p.memorySizeMiB(), d != null ? d.uuid : "", gi.id()));
      }
    }
    return new MigState(true, slices, instances);
  }

  private record MigDeviceSeen(String uuid, long memoryMiB) {}

  /** MIG devices by GPU-instance id; empty slots (NOT_FOUND) are skipped. */
  private static Map<Integer, MigDeviceSeen> migDevices(Nvml nvml, int gpu) {
    Map<Integer, MigDeviceSeen> out = new HashMap<>();
    int max = nvml.maxMigDeviceCount(gpu);
    for (int k = 0; k < max; k++) {
      int index = k;
      Absent.unlessAbsent(() -> nvml.migDevice(gpu, index), NvmlReturn.NOT_FOUND)
          .ifPresent(d -> out.putIfAbsent(d.gpuInstanceId(), new MigDeviceSeen(d.uuid(), d.memoryBytes() >> 20)));
    }
    return out;
  }
}
