package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest.WholeGpus;
import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.topology.model.NodeTopology;

/**
 * Whole GPUs: rejects in order of permanence (too few usable GPUs, no NVLink domain / NUMA group
 * big enough even when empty, then too few free, too few free in one domain / group), otherwise
 * takes the {@link GpuSetChooser}'s best set.
 */
final class WholeGpuFit implements Fit<WholeGpus> {
  private final GpuSetChooser chooser;

  WholeGpuFit(GpuSetChooser chooser) {
    this.chooser = chooser;
  }

  @Override
  public Result fit(WholeGpus request, LinkConstraint constraint, NodeState node) {
    NodeTopology t = node.topology().orElseThrow();
    int k = request.count();
    long placeable = node.placeableMask();
    long free = node.freeMask();
    LinkConstraint c = k < 2 ? LinkConstraint.NONE : constraint;
    if (Long.bitCount(placeable) < k) {
      return Result.reject(Rejections.tooFewGpus(k, Long.bitCount(placeable)));
    }
    if (c == LinkConstraint.NVLINK && SetValue.largestDomainBlock(t, placeable) < k) {
      return Result.reject(Rejections.noNvlinkDomain(k, SetValue.largestDomainBlock(t, placeable)));
    }
    if (c == LinkConstraint.NUMA && SetValue.largestNumaBlock(t, placeable) < k) {
      return Result.reject(Rejections.noNumaGroup(k, SetValue.largestNumaBlock(t, placeable)));
    }
    if (Long.bitCount(free) < k) {
      return Result.reject(Rejections.insufficientGpus(k, Long.bitCount(free)));
    }
    if (c == LinkConstraint.NVLINK && SetValue.largestDomainBlock(t, free) < k) {
      return Result.reject(Rejections.insufficientNvlink(k, SetValue.largestDomainBlock(t, free)));
    }
    if (c == LinkConstraint.NUMA && SetValue.largestNumaBlock(t, free) < k) {
      return Result.reject(Rejections.insufficientNuma(k, SetValue.largestNumaBlock(t, free)));
    }
    GpuSet chosen = chooser.choose(t, node.shape(), free, k, c).orElseThrow(
        () -> new IllegalStateException("no " + k + "-set on " + node.name() + " although the filters passed"));
    GpuSet ideal = chooser.choose(t, node.shape(), placeable, k, c).orElseThrow();
    Assignment a = Assignment.whole(node.name(), chosen.indices(),
        chosen.indices().stream().map(g -> t.gpu(g).uuid()).toList());
    return Result.place(a, chosen, ideal);
  }
}
