package io.topogpu.scheduler.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one pod holds (or would hold) on one node. Exactly one of: whole GPUs ({@code gpus},
 * {@code milli == 0}, no MIG), a share of one GPU ({@code gpus} has one index, {@code milli} in
 * 1..1000), or MIG instances ({@code mig} non-empty, {@code gpus} empty).
 *
 * @param gpus GPU indices, ascending
 * @param gpuUuids UUIDs in the same order; an entry is empty where the topology does not know it
 */
public record Assignment(
    String node, List<Integer> gpus, List<String> gpuUuids, List<MigSlot> mig, int milli,
    Optional<GangPlan> gang) {

  public Assignment {
    Objects.requireNonNull(node, "node");
    gpus = List.copyOf(gpus);
    gpuUuids = List.copyOf(gpuUuids);
    mig = List.copyOf(mig);
    gang = Objects.requireNonNullElse(gang, Optional.empty());
    if (gpuUuids.size() != gpus.size()) {
      throw new IllegalArgumentException("gpuUuids has " + gpuUuids.size() + " entries for " + gpus.size() + " gpus");
    }
    for (int i = 1; i < gpus.size(); i++) {
      if (gpus.get(i - 1) >= gpus.get(i)) {
        throw new IllegalArgumentException("gpus must be distinct and ascending, got " + gpus);
      }
    }
    if (milli < 0 || milli > 1000) {
      throw new IllegalArgumentException("milli must be 0..1000, got " + milli);
    }
    if (milli > 0 && gpus.size() != 1) {
      throw new IllegalArgumentException("a GPU share names exactly one GPU, got " + gpus);
    }
    if (!mig.isEmpty() && !gpus.isEmpty()) {
      throw new IllegalArgumentException("an assignment holds MIG instances or GPUs, not both");
    }
    if (mig.isEmpty() && gpus.isEmpty()) {
      throw new IllegalArgumentException("an assignment must hold at least one GPU or MIG instance");
    }
  }

  public static Assignment whole(String node, List<Integer> gpus, List<String> uuids) {
    return new Assignment(node, gpus, uuids, List.of(), 0, Optional.empty());
  }

  public static Assignment share(String node, int gpu, String uuid, int milli) {
    return new Assignment(node, List.of(gpu), List.of(uuid), List.of(), milli, Optional.empty());
  }

  public static Assignment mig(String node, List<MigSlot> slots) {
    return new Assignment(node, List.of(), List.of(), slots, 0, Optional.empty());
  }

  public boolean isShare() {
    return milli > 0;
  }

  /** The same GPUs, MIG instances and share on the same node; the gang plan is not compared. */
  public boolean sameDevices(Assignment o) {
    return node.equals(o.node) && gpus.equals(o.gpus) && mig.equals(o.mig) && milli == o.milli;
  }

  public Assignment withGang(GangPlan g) {
    return new Assignment(node, gpus, gpuUuids, mig, milli, Optional.ofNullable(g));
  }
}
