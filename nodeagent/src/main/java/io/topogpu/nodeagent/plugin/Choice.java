package io.topogpu.nodeagent.plugin;

import io.topogpu.topology.annotation.BoundGpus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the scheduler chose for one pod and one resource, read from {@code topogpu.io/gpus}: exact
 * device IDs for whole GPUs and MIG devices (the pod's containers take them in spec order), or "units
 * of this GPU" for a share, where any free units of the chosen GPU will do.
 */
sealed interface Choice {

  /** The IDs a container of {@code size} at {@code offset} among the pod's asks should get; empty when they cannot be had. */
  Optional<List<String>> wanted(int offset, int size, Collection<String> available);

  /** Whether {@code ids}, given to the container at {@code offset}, are what the scheduler chose. */
  boolean honouredBy(int offset, List<String> ids);

  record Exact(List<String> ids) implements Choice {
    @Override
    public Optional<List<String>> wanted(int offset, int size, Collection<String> available) {
      if (offset + size > ids.size()) {
        return Optional.empty();
      }
      List<String> mine = ids.subList(offset, offset + size);
      return available.containsAll(mine) ? Optional.of(List.copyOf(mine)) : Optional.empty();
    }

    @Override
    public boolean honouredBy(int offset, List<String> given) {
      return offset + given.size() <= ids.size()
          && Set.copyOf(ids.subList(offset, offset + given.size())).equals(Set.copyOf(given));
    }
  }

  record UnitsOf(String gpuUuid) implements Choice {
    @Override
    public Optional<List<String>> wanted(int offset, int size, Collection<String> available) {
      List<String> mine = new ArrayList<>();
      for (int k = 0; k < DeviceIds.UNITS_PER_GPU && mine.size() < size; k++) {
        String id = DeviceIds.unit(gpuUuid, k);
        if (available.contains(id)) {
          mine.add(id);
        }
      }
      return mine.size() == size ? Optional.of(mine) : Optional.empty();
    }

    @Override
    public boolean honouredBy(int offset, List<String> given) {
      return given.stream().allMatch(id -> DeviceIds.physical(id).equals(gpuUuid));
    }
  }

  /** The choice for {@code resource}, or empty when the pod's annotation has none for it. */
  static Optional<Choice> of(BoundGpus b, String resource) {
    if (DeviceIds.isShare(resource)) {
      return b.milli() > 0 && b.gpus().size() == 1 && !b.gpus().get(0).uuid().isEmpty()
          ? Optional.of(new UnitsOf(b.gpus().get(0).uuid()))
          : Optional.empty();
    }
    List<String> ids = DeviceIds.isMig(resource)
        ? b.mig().stream().filter(m -> DeviceIds.migResource(m.profile()).equals(resource)).map(BoundGpus.Mig::uuid).toList()
        : b.milli() > 0 ? List.of() : b.gpus().stream().map(BoundGpus.Gpu::uuid).toList();
    return ids.isEmpty() || ids.contains("") ? Optional.empty() : Optional.of(new Exact(ids));
  }
}
