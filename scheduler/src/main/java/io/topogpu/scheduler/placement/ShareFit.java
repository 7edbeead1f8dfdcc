package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest.GpuShare;
import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.topology.model.NodeTopology;

/**
 * A share of one GPU, in milli-GPU. Best fit first: among GPUs already shared, the one with the
 * least room that still fits (lowest index on ties), so shares pack together and whole GPUs stay
 * whole. Only when no shared GPU fits does the pod open a free GPU, and then the one the {@link
 * GpuSetChooser} picks for k = 1, whose fragmentation tie-break takes it from the smallest free
 * NVLink / NUMA block, and only while the kubelet advertises a GPU not in use ({@link
 * NodeState#advertisedRoom()}).
 */
final class ShareFit implements Fit<GpuShare> {
  private final GpuSetChooser chooser;

  ShareFit(GpuSetChooser chooser) {
    this.chooser = chooser;
  }

  @Override
  public Result fit(GpuShare request, LinkConstraint constraint, NodeState node) {
    NodeTopology t = node.topology().orElseThrow();
    long placeable = node.placeableMask();
    if (placeable == 0) {
      return Result.reject(node.unhealthyWholeMask() != 0
          ? Rejections.unhealthyGpus(1, node.unhealthyCount(), node.gpuCount()) : Rejections.noShareableGpu());
    }
    if (node.advertisedGpus() == 0) {
      return Result.reject(Rejections.tooFewAdvertised(1, 0));
    }
    int best = -1;
    int mostFree = 0;
    for (int g = 0; g < node.gpuCount(); g++) {
      if ((placeable & (1L << g)) == 0) {
        continue;
      }
      int room = NodeState.MILLI_PER_GPU - node.milliUsed(g);
      mostFree = Math.max(mostFree, room);
      boolean shared = node.milliUsed(g) > 0;
      if (shared && room >= request.milli() && (best < 0 || node.milliUsed(g) > node.milliUsed(best))) {
        best = g;
      }
    }
    if (best < 0 && node.advertisedRoom() == 0) {
      return Result.reject(Rejections.insufficientAdvertised(1, 0));
    }
    if (best < 0) {
      var fresh = chooser.choose(t, node.shape(), node.freeMask(), 1, LinkConstraint.NONE);
      if (fresh.isEmpty()) {
        return Result.reject(Rejections.insufficientShare(request.milli(), mostFree));
      }
      best = fresh.get().indices().get(0);
    }
    return Result.place(Assignment.share(node.name(), best, t.gpu(best).uuid(), request.milli()));
  }
}
