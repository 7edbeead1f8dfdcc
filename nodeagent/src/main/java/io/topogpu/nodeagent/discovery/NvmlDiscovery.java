package io.topogpu.nodeagent.discovery;

import io.topogpu.nodeagent.nvml.Nvml;
import io.topogpu.nodeagent.nvml.NvmlException;
import io.topogpu.nodeagent.nvml.NvmlReturn;
import io.topogpu.topology.model.Fabric;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Health;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.LinkMatrix;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.NodeTopology;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * NVML → {@link NodeTopology}, against the {@link Nvml} seam only. One call of {@link #probe(Nvml)}
 * initialises NVML, reads every GPU and shuts NVML down again, so a driver that disappears between
 * probes is noticed at the next one.
 *
 * <p>Per GPU: name, UUID, PCI bus id, memory; NUMA node = lowest node of {@code
 * nvmlDeviceGetMemoryAffinity} (the CPU-side node {@code topo -m} prints as NUMA Affinity), else
 * the GPU's own NUMA id ({@code nvmlDeviceGetNumaNodeId}), else -1; CPU affinity as a cpulist; MIG
 * per {@link MigDiscovery} (a refused MIG query marks that GPU's MIG unknown, with a note). Links
 * per {@link NvlinkScan}; pairs without NVLink get the PCIe class
 * of {@code nvmlDeviceGetTopologyCommonAncestor} (SYS when the platform cannot say). Fabric: the
 * {@code (clusterUuid, cliqueId)} every fabric-attached GPU agrees on (state COMPLETED, status
 * SUCCESS, non-zero UUID), as GPU Feature Discovery derives {@code nvidia.com/gpu.clique}; none
 * when no GPU is attached or they disagree. A GPU that answers {@code NVML_ERROR_GPU_IS_LOST} is
 * listed unhealthy ({@value #LOST}) with nothing but its index, SYS to every peer; the probe goes on.
 */
public final class NvmlDiscovery {
  /** Health reason of a GPU that answers {@code NVML_ERROR_GPU_IS_LOST}. */
  public static final String LOST = "gpu-lost";
  /** CPU mask words asked for: 1024 CPUs. */
  static final int CPU_WORDS = 16;
  /** NUMA mask words asked for: 256 nodes. */
  static final int NODE_WORDS = 4;

  private NvmlDiscovery() {}

  /** @throws io.topogpu.nodeagent.nvml.NvmlException when NVML fails for a reason other than an absent feature */
  public static Probe probe(Nvml nvml) {
    nvml.init();
    try (nvml) {
      List<String> notes = new ArrayList<>();
      String driver = Absent.unlessAbsent(nvml::driverVersion).orElse("");
      int n = nvml.deviceCount();
      List<Gpu> gpus = new ArrayList<>();
      List<String> busIds = new ArrayList<>();
      Set<Integer> lost = new HashSet<>();
      for (int g = 0; g < n; g++) {
        Gpu gpu;
        try {
          gpu = gpu(nvml, g, notes);
        } catch (NvmlException e) {
          if (e.code() != NvmlReturn.GPU_IS_LOST) {
            throw e;
          }
          lost.add(g);
          notes.add("GPU " + g + ": lost (" + e.getMessage() + ")");
          gpu = new Gpu(g, "", "", 0, "", -1, "", Health.UNHEALTHY, MigState.DISABLED, LOST);
        }
        gpus.add(gpu);
        busIds.add(gpu.pciBusId());
      }
      NvlinkScan scan = NvlinkScan.scan(nvml, busIds, lost);
      List<Integer> active = new ArrayList<>();
      for (int g = 0; g < n; g++) {
        active.add(scan.active(g));
      }
      NodeTopology t = new NodeTopology(gpus, links(nvml, scan, lost, notes), List.of(), fabric(nvml, n, lost, notes));
      return new Probe(t, driver, notes, active);
    }
  }

  private static Gpu gpu(Nvml nvml, int g, List<String> notes) {
    long memoryMiB = nvml.memoryTotalBytes(g) >> 20;
    int numa = Absent.unlessAbsent(() -> CpuSets.lowest(nvml.memoryAffinity(g, NODE_WORDS))).orElse(-1);
    if (numa < 0) {
      numa = Absent.unlessAbsent(() -> nvml.gpuNumaNodeId(g)).orElse(-1);
    }
    String cpus = Absent.unlessAbsent(() -> CpuSets.cpuList(nvml.cpuAffinity(g, CPU_WORDS))).orElse("");
    if (numa < 0 && cpus.isEmpty()) {
      notes.add("GPU " + g + ": NVML reports neither NUMA nor CPU affinity");
    }
    MigState mig = MigDiscovery.of(nvml, g, memoryMiB);
    if (!mig.known()) {
      notes.add("GPU " + g + ": MIG state unknown, publishing the rest of the topology: " + mig.unknown());
    }
    return new Gpu(g, nvml.uuid(g), nvml.name(g), memoryMiB, nvml.pciInfo(g).busId(), numa, cpus, Health.HEALTHY, mig);
  }

  private static LinkMatrix links(Nvml nvml, NvlinkScan scan, Set<Integer> lost, List<String> notes) {
    int n = scan.gpuCount();
    Link[][] cells = new Link[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        int count = scan.links(i, j);
        Link link;
        if (count > 0) {
          link = scan.throughSwitch(i, j) ? Link.nvswitch(count) : Link.nvlink(count);
        } else if (lost.contains(i) || lost.contains(j)) {
          link = Link.pcie(LinkKind.SYS); // a lost GPU answers nothing; it is unhealthy, never placed
        } else {
          int a = i;
          int b = j;
          LinkKind kind = Absent.unlessAbsent(() -> PcieLevels.kind(nvml.topologyCommonAncestor(a, b))).orElse(null);
          if (kind == null) {
            notes.add("GPUs " + i + "," + j + ": no PCIe topology from NVML, assuming SYS");
            kind = LinkKind.SYS;
          }
          link = Link.pcie(kind);
        }
        cells[i][j] = link;
        cells[j][i] = link;
      }
    }
    return LinkMatrix.of(cells);
  }

  private static Fabric fabric(Nvml nvml, int n, Set<Integer> lost, List<String> notes) {
    Set<Fabric> seen = new HashSet<>();
    for (int g = 0; g < n; g++) {
      if (lost.contains(g)) {
        continue;
      }
      int gpu = g;
      Absent.unlessAbsent(() -> nvml.fabricInfo(gpu))
          .filter(f -> f.state() == Nvml.FabricInfo.STATE_COMPLETED && f.status().code() == 0 && nonZero(f.clusterUuid()))
          .ifPresent(f -> seen.add(new Fabric(uuid(f.clusterUuid()), f.cliqueId())));
    }
    if (seen.size() > 1) {
      notes.add("GPUs disagree on their NVLink fabric " + seen + "; publishing none");
      return null;
    }
    return seen.isEmpty() ? null : seen.iterator().next();
  }

  private static boolean nonZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return true;
      }
    }
    return false;
  }

  /** 16 bytes → canonical {@code 8-4-4-4-12} lower-case UUID string. */
  static String uuid(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b);
    return new UUID(buf.getLong(), buf.getLong()).toString();
  }
}
