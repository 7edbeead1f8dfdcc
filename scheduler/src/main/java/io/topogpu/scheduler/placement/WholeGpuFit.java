package io.topogpu.scheduler.placement;

import io.topogpu.topology.objective.SetValue;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest.WholeGpus;
import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.topology.model.NodeTopology;
import java.util.Optional;

/**
 * Whole GPUs: rejects in order of permanence (too few usable GPUs — {@code unhealthy-gpus} when
 * the node would have enough were its unhealthy GPUs healthy, likewise for the domain and group
 * checks — too few advertised by the kubelet, no NVLink domain / NUMA group big enough even when
 * empty, then too few free, too few advertised left unused, too few free in one domain / group), otherwise
 * takes the {@link GpuSetChooser}'s best set.
 */
final class WholeGpuFit implements Fit<WholeGpus> {
  private final GpuSetChooser chooser;

  WholeGpuFit(GpuSetChooser chooser) {
    this.chooser = chooser;
  }

  @Override
  public Result fit(WholeGpus request, LinkConstraint constraint, NodeState node) {
    Optional<Rejection> no = reject(request, constraint, node);
    if (no.isPresent()) {
      return Result.reject(no.get());
    }
    NodeTopology t = node.topology().orElseThrow();
    int k = request.count();
    LinkConstraint c = effective(k, constraint);
    GpuSet chosen = chooser.choose(t, node.shape(), node.freeMask(), k, c).orElseThrow(
        () -> new IllegalStateException("no " + k + "-set on " + node.name() + " although the filters passed"));
    GpuSet ideal = chooser.choose(t, node.shape(), node.placeableMask(), k, c).orElseThrow();
    Assignment a = Assignment.whole(node.name(), chosen.indices(),
        chosen.indices().stream().map(g -> t.gpu(g).uuid()).toList());
    return Result.place(a, chosen, ideal);
  }

  /** The filters alone: when they pass, the chooser always finds a set (its invariant). */
  @Override
  public Optional<Rejection> reject(WholeGpus request, LinkConstraint constraint, NodeState node) {
    NodeTopology t = node.topology().orElseThrow();
    int k = request.count();
    long placeable = node.placeableMask();
    long free = node.freeMask();
    LinkConstraint c = effective(k, constraint);
    long ifHealthy = placeable | node.unhealthyWholeMask();
    if (Long.bitCount(placeable) < k) {
      return Optional.of(Long.bitCount(ifHealthy) >= k ? unhealthy(k, node)
          : Rejections.tooFewGpus(k, Long.bitCount(placeable)));
    }
    if (node.advertisedGpus() < k) {
      return Optional.of(Rejections.tooFewAdvertised(k, node.advertisedGpus()));
    }
    if (c == LinkConstraint.NVLINK && SetValue.largestDomainBlock(t, placeable) < k) {
      return Optional.of(SetValue.largestDomainBlock(t, ifHealthy) >= k ? unhealthy(k, node)
          : Rejections.noNvlinkDomain(k, SetValue.largestDomainBlock(t, placeable)));
    }
    if (c == LinkConstraint.NUMA && SetValue.largestNumaBlock(t, placeable) < k) {
      return Optional.of(SetValue.largestNumaBlock(t, ifHealthy) >= k ? unhealthy(k, node)
          : Rejections.noNumaGroup(k, SetValue.largestNumaBlock(t, placeable)));
    }
    if (Long.bitCount(free) < k) {
      return Optional.of(Rejections.insufficientGpus(k, Long.bitCount(free)));
    }
    if (node.advertisedRoom() < k) {
      return Optional.of(Rejections.insufficientAdvertised(k, node.advertisedRoom()));
    }
    if (c == LinkConstraint.NVLINK && SetValue.largestDomainBlock(t, free) < k) {
      return Optional.of(Rejections.insufficientNvlink(k, SetValue.largestDomainBlock(t, free)));
    }
    if (c == LinkConstraint.NUMA && SetValue.largestNumaBlock(t, free) < k) {
      return Optional.of(Rejections.insufficientNuma(k, SetValue.largestNumaBlock(t, free)));
    }
    return Optional.empty();
  }

  private static Rejection unhealthy(int k, NodeState node) {
    return Rejections.unhealthyGpus(k, node.unhealthyCount(), node.gpuCount());
  }

  /** A single GPU is trivially in one domain and one group. */
  private static LinkConstraint effective(int k, LinkConstraint constraint) {
    return k < 2 ? LinkConstraint.NONE : constraint;
  }
}
