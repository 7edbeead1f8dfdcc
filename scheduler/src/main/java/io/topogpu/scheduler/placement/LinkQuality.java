package io.topogpu.scheduler.placement;

import io.topogpu.topology.objective.SetValue;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.NvlinkGeneration;
import java.util.OptionalDouble;

/**
 * Absolute quality of the chosen set's slowest link, the same yardstick on every node shape (unlike
 * {@link TopologyQuality}, which rates a set against the best of its own shape, so a PCIe-only node
 * offering its best PCIe pair rates as high as an NVLink node offering an NVLink pair). With S the
 * chosen set and bottleneck(S) in GB/s ({@link SetValue#bottleneck()}, from {@code
 * NodeTopology.bandwidth}):
 *
 * <pre>
 *   link = clamp( ln(bottleneck(S) / FLOOR) / ln(TOP / FLOOR), 0, 1 )
 *   FLOOR = LinkKind.SYS nominal bandwidth                        = 10 GB/s   (worst PCIe class)
 *   TOP   = 18 links × NvlinkGeneration.BLACKWELL per-link GB/s  = 721.8 GB/s (NVLink 5, NV18)
 * </pre>
 *
 * Both constants come from the topology model's NCCL-derived figures (NCCL 2.30 {@code
 * src/graph/topo.h}); 18 is the most NVLinks a GPU of any shipped shape has (H100/H200/B200/GB200).
 * Bandwidths span two orders of magnitude, so the scale is logarithmic: each doubling of the
 * bottleneck is worth the same, the PCIe classes do not collapse to 0 and NVLink generations do
 * not dwarf everything else. Reference values: SYS 0, NODE 16 GB/s 0.110, PIX 24 GB/s 0.205,
 * V100 NV6 120 GB/s 0.581, A100 NV12 240 GB/s 0.743, H100 NV18 370.8 GB/s 0.844, GB200 NV18 1.
 *
 * <p>Applies to whole-GPU requests of 2 or more GPUs. A pod on one GPU (k = 1, a share, a MIG
 * instance) has no peer traffic, so every node is perfect for it; the term is then left out rather
 * than scored 1, which would only compress such pods' 0..10 extender scores (and so their weight
 * against kube-scheduler's other scores) without changing their ranking.
 */
final class LinkQuality implements ScoreTerm {
  static final String NAME = "link";

  /** Most NVLinks per GPU in any shipped shape (NVLink 4 and 5: NV18). */
  static final int TOP_NVLINKS = 18;
  /** Worst PCIe class, GB/s: the scale's 0. */
  static final double FLOOR_GBPS = LinkKind.SYS.nominalGbps();
  /** Best NVLink pair bandwidth, GB/s: the scale's 1. */
  static final double TOP_GBPS = TOP_NVLINKS * NvlinkGeneration.BLACKWELL.perLinkGbps();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public OptionalDouble score(ScoreContext c) {
    if (c.chosen().isEmpty() || c.chosen().get().size() < 2) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(of(c.chosen().get().value().bottleneck() / 1000.0));
  }

  /** The scale for a bottleneck of {@code gbps} GB/s. */
  static double of(double gbps) {
    double x = Math.log(gbps / FLOOR_GBPS) / Math.log(TOP_GBPS / FLOOR_GBPS);
    return Math.max(0, Math.min(1, x));
  }
}
