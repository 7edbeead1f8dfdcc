package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest.MigInstances;
import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.scheduler.model.MigSlot;
import java.util.Comparator;
import java.util.List;

/**
 * MIG instances (device plugin mixed strategy): the pod gets existing, free instances of its
 * profile; topogpu does not repartition GPUs. Among free instances it prefers GPUs already partly
 * used, fullest first (most held memory slices), then lowest GPU index, then lowest start slice, so
 * untouched GPUs stay whole for pods that need their large profiles. A node whose GPUs have fewer
 * instances of the profile than requested can never fit (resolvable only by repartitioning, which
 * pods leaving does not do).
 */
final class MigFit implements Fit<MigInstances> {

  @Override
  public Result fit(MigInstances request, LinkConstraint constraint, NodeState node) {
    List<MigSlot> all = node.migInstances(request.profile());
    if (all.size() < request.count()) {
      if (all.size() + node.unhealthyMigInstances(request.profile()) >= request.count()) {
        return Result.reject(Rejections.unhealthyGpus(request.count(), node.unhealthyCount(), node.gpuCount()));
      }
      return Result.reject(Rejections.noMigProfile(request.profile(), request.count(), all.size()));
    }
    List<MigSlot> free = all.stream().filter(s -> !node.migHeld(s)).toList();
    if (free.size() < request.count()) {
      return Result.reject(Rejections.insufficientMig(request.profile(), request.count(), free.size()));
    }
    List<MigSlot> picked = free.stream()
        .sorted(Comparator.comparingInt((MigSlot s) -> -node.migSlicesHeld(s.gpu()))
            .thenComparingInt(MigSlot::gpu)
            .thenComparingInt(MigSlot::start))
        .limit(request.count())
        .toList();
    return Result.place(Assignment.mig(node.name(), picked));
  }
}
