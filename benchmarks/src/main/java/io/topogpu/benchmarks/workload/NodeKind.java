package io.topogpu.benchmarks.workload;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the locality model needs to know about a node beyond its {@code nvidia-smi topo -m} shape: the
 * all-reduce bus bandwidth of its NVSwitch fabric and its network. Values and their sources are the
 * defaults of the locality model ({@code benchmarks/docs/locality-model.md} §4.1), restated in RESULTS.md.
 *
 * @param shape the {@link io.topogpu.topology.shapes.Shapes} capture the node is built from
 * @param gpuType what the node stands for in the inventory (documentation only)
 * @param nvswitchBusbw GB/s for any GPU subset of an NVSwitch node (A100 230, H100 370); 0 when none
 * @param nvlinkPerLink GB/s per direct NVLink (A100 20, GA10x 12)
 * @param nics NICs the node's GPUs send over
 * @param railOptimized one NIC per GPU next to it (HGX/DGX): a pod of g GPUs drives min(g, nics) NICs;
 *     otherwise every pod drives all {@code nics} (shared NICs)
 * @param nicGBps effective all-reduce GB/s per usable NIC (200G 24, 400G 46, 100G without GPUDirect
 *     12 × ⅔ = 8, cloud Ethernet without RDMA 1)
 */
public record NodeKind(String shape, String gpuType, double nvswitchBusbw, double nvlinkPerLink, int nics,
    boolean railOptimized, double nicGBps) {

  /** The kinds the cluster profiles use, one per shape. */
  static final List<NodeKind> ALL = List.of(
      new NodeKind("dgx-a100-8gpu-nv12", "A100-SXM4 (DGX/HGX A100, 8x HDR 200G)", 230, 20, 8, true, 24),
      new NodeKind("hgx-h100-8gpu-nv18-pix-nics", "H100/H800-SXM (HGX, 8x NDR 400G)", 370, 20.6, 8, true, 46),
      new NodeKind("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs", "A100 PCIe, NVLink bridge pairs, cloud Ethernet",
          0, 20, 1, false, 1),
      new NodeKind("l40s-8gpu-pcie-node-sys", "8-GPU PCIe-only server, 1x 100G NIC across the CPU", 0, 12, 1, false, 8),
      new NodeKind("puget-wrx90-2x-rtx6000ada-phb", "2-GPU PCIe server, 2x 100G NICs", 0, 12, 2, false, 8));

  private static final Map<String, NodeKind> BY_SHAPE =
      ALL.stream().collect(Collectors.toUnmodifiableMap(NodeKind::shape, Function.identity()));

  public static NodeKind of(String shape) {
    NodeKind k = BY_SHAPE.get(shape);
    if (k == null) {
      throw new IllegalArgumentException("no node kind for shape '" + shape + "'; known: " + BY_SHAPE.keySet());
    }
    return k;
  }

  /** NIC bandwidth a pod of {@code gpus} GPUs on this node can use: k · B_nic, k = min(g, nics) on rails. */
  public double podNicGBps(int gpus) {
    return (railOptimized ? Math.min(gpus, nics) : nics) * nicGBps;
  }
}
