package io.topogpu.benchmarks.workload;

import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.NodeTopology;
import java.util.List;

/**
 * Job slowdown from placement, the default model of {@code benchmarks/docs/locality-model.md} §4 (sources
 * cited there and in RESULTS.md). For a data-parallel job of n GPUs on N nodes:
 *
 * <pre>
 *   T_ar(P)   = 2(n−1)/n · S / B(P) + n_b · [8.4 + (2(n−1) − 2(N−1))·α_intra + 2(N−1)·14] µs
 *   T_step(P) = T_c + e · T_ar(P)
 *   slowdown  = T_step(P) / T_step(P*)          (≥ 1, 1 for 1-GPU jobs)
 * </pre>
 *
 * S = parameters × bytes per parameter; n_b = ⌈S / 25 MB⌉ (DDP buckets); α_intra = 3.4 µs when every
 * GPU pair of a node is on NVLink, else 5.7 µs. B(P) = min(min_i B_intra(i), min_i k_i·B_nic / o) where
 * B_intra is the worst GPU pair on node i (∞ for one GPU), k_i·B_nic what the pod's NICs carry
 * ({@link NodeKind#podNicGBps}), and o the oversubscription when the job spans more than one leaf.
 * P* is the tightest placement of n GPUs on the job's reference node kind: the best n-GPU subset of one
 * node when n fits in a node, else ⌈n/G⌉ full nodes under one leaf.
 *
 * <p>Pair classes (GB/s): NVSwitch = the kind's bus bandwidth; direct NVLink = links × per-link;
 * PIX/PXB 22, PHB/NODE 20, SYS 10 (PCIe Gen4 defaults of §4.1).
 *
 * @param exposed e, the share of all-reduce time not hidden behind compute (default 0.5)
 * @param bytesPerParam gradient bytes per parameter (4 = fp32)
 * @param oversubscription o above the leaf (1 = non-blocking)
 * @param nicScale multiplier on every NIC bandwidth (sensitivity runs; 1 by default)
 */
public record LocalityModel(double exposed, double bytesPerParam, double oversubscription, double nicScale) {
  public static final LocalityModel DEFAULT = new LocalityModel(0.5, 4, 1, 1);
  /** 25 MB as {@code benchmarks/docs/locality-model.md} §3.1 counts it (PyTorch DDP bucket_cap_mb = 25). */
  static final double BUCKET_BYTES = 25e6;
  static final double BASE_LATENCY_US = 8.4;
  static final double NET_STEP_US = 14;
  static final double NVLINK_STEP_US = 3.4;
  static final double PCIE_STEP_US = 5.7;

  /** The GPUs a job holds on one node. */
  public record Share(SimNode node, List<Integer> gpus) {}

  /** The bottleneck bandwidth and shape of a placement. */
  public record Bandwidth(double gbps, int gpus, int nodes, boolean allNvlink) {}

  /** B(P) of a placement spanning {@code shares} (one per node; several pods on one node are merged). */
  public Bandwidth bandwidth(List<Share> shares) {
    int n = shares.stream().mapToInt(s -> s.gpus().size()).sum();
    double b = Double.POSITIVE_INFINITY;
    boolean nvlink = true;
    long leaves = shares.stream().map(s -> s.node().leaf()).distinct().count();
    double o = leaves > 1 ? oversubscription : 1;
    for (Share s : shares) {
      b = Math.min(b, intra(s.node().kind(), s.node().topology(), s.gpus()));
      nvlink &= allNvlink(s.node().topology(), s.gpus());
      if (shares.size() > 1) {
        b = Math.min(b, s.node().kind().podNicGBps(s.gpus().size()) * nicScale / o);
      }
    }
    return new Bandwidth(b, n, shares.size(), nvlink);
  }

  /** Worst GPU pair of {@code gpus} on one node, GB/s; ∞ for a single GPU. */
  public static double intra(NodeKind kind, NodeTopology t, List<Integer> gpus) {
    double b = Double.POSITIVE_INFINITY;
    for (int i = 0; i < gpus.size(); i++) {
      for (int j = i + 1; j < gpus.size(); j++) {
        b = Math.min(b, pair(kind, t.link(gpus.get(i), gpus.get(j))));
      }
    }
    return b;
  }

  static double pair(NodeKind kind, Link link) {
    if (link.isNvlink()) {
      return link.nvswitch() && kind.nvswitchBusbw() > 0 ? kind.nvswitchBusbw() : link.nvlinks() * kind.nvlinkPerLink();
    }
    return switch (link.kind()) {
      case PIX, PXB -> 22;
      case PHB, NODE -> 20;
      case SYS -> 10;
      case NVLINK -> throw new IllegalStateException("unreachable");
    };
  }

  private static boolean allNvlink(NodeTopology t, List<Integer> gpus) {
    for (int i = 0; i < gpus.size(); i++) {
      for (int j = i + 1; j < gpus.size(); j++) {
        if (t.link(gpus.get(i), gpus.get(j)).kind() != LinkKind.NVLINK) {
          return false;
        }
      }
    }
    return true;
  }

  /** T_step in seconds of archetype {@code a} at bandwidth {@code b}. */
  public double stepSeconds(Archetype a, Bandwidth b) {
    int n = b.gpus();
    if (n <= 1) {
      return a.computeSeconds();
    }
    double s = a.parameters() * bytesPerParam;
    double bandwidthTerm = 2.0 * (n - 1) / n * s / (b.gbps() * 1e9);
    int buckets = (int) Math.ceil(s / BUCKET_BYTES);
    double alphaIntra = b.allNvlink() ? NVLINK_STEP_US : PCIE_STEP_US;
    int nodes = b.nodes();
    double latencyUs = buckets
        * (BASE_LATENCY_US + (2 * (n - 1) - 2 * (nodes - 1)) * alphaIntra + 2 * (nodes - 1) * NET_STEP_US);
    return a.computeSeconds() + exposed * (bandwidthTerm + latencyUs * 1e-6);
  }

  /** T_step(P) / T_step(P*), at least 1. */
  public double slowdown(Archetype a, Bandwidth placed, Bandwidth reference) {
    if (placed.gpus() <= 1) {
      return 1;
    }
    return Math.max(1, stepSeconds(a, placed) / stepSeconds(a, reference));
  }

  /** P*: the tightest placement of {@code n} GPUs on nodes like {@code ref} (see the class comment). */
  public Bandwidth reference(SimNode ref, int n) {
    int g = ref.gpus();
    if (n <= g) {
      BestSets.Best best = BestSets.of(ref.kind(), ref.topology(), n);
      return new Bandwidth(best.gbps(), n, 1, best.allNvlink());
    }
    int nodes = (n + g - 1) / g;
    List<Integer> all = java.util.stream.IntStream.range(0, g).boxed().toList();
    double b = Math.min(intra(ref.kind(), ref.topology(), all), ref.kind().podNicGBps(g) * nicScale);
    return new Bandwidth(b, n, nodes, allNvlink(ref.topology(), all));
  }

  public LocalityModel withExposed(double e) {
    return new LocalityModel(e, bytesPerParam, oversubscription, nicScale);
  }

  public LocalityModel withNicScale(double s) {
    return new LocalityModel(exposed, bytesPerParam, oversubscription, s);
  }

  public LocalityModel withOversubscription(double o) {
    return new LocalityModel(exposed, bytesPerParam, o, nicScale);
  }
}
