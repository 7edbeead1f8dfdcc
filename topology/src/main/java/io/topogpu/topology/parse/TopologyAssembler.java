package io.topogpu.topology.parse;

import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.LinkMatrix;
import io.topogpu.topology.model.Nic;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns the checked rows of a capture into a {@link NodeTopology}: link classes, NVSwitch
 * inference, NUMA and CPU affinity, NICs.
 *
 * <p><b>NVSwitch inference.</b> {@code topo -m} does not say whether NVLinks are direct or
 * switched. A GPU has at most {@value #MAX_NVLINKS_PER_GPU} NVLinks (H100/B200), so when the
 * counts a GPU lists towards its peers sum to more than that, the same links must be counted once
 * per peer, i.e. they run through an NVSwitch: {@code switched(g) = Σ_peers NV(g, peer) > 18}. A
 * link is switched when either end is. DGX A100 (7×NV12 = 84), DGX H100 (7×NV18 = 126), GB200 tray
 * (3×NV18 = 54) and DGX-2 (15×NV6 = 90) are switched; HGX H100 4-GPU (3×NV6 = 18), bridge pairs and
 * the DGX-1 hybrid cube-mesh (at most 6 links per GPU) are direct.
 */
final class TopologyAssembler {
  static final int MAX_NVLINKS_PER_GPU = 18;

  private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");
  private static final Pattern NUMA_LIST = Pattern.compile("(\\d{1,6})(-\\d+)?(,\\d+(-\\d+)?)*");
  private static final String NA = "N/A";

  private TopologyAssembler() {}

  static NodeTopology assemble(Capture c, List<String> warnings) {
    Header h = c.header();
    int n = h.gpuCount();
    Link[][] cells = new Link[n][n];
    int[] nvlinkSum = new int[n];
    for (int i = 0; i < n; i++) {
      Row row = c.gpuRows().get(i);
      for (int j = 0; j < n; j++) {
        String token = row.cells().get(j);
        if ((i == j) != token.equals("X")) {
          throw new TopoParseException(row.line(), "row GPU" + i + ", column GPU" + j + ": "
              + (i == j ? "expected X on the diagonal, got '" + token + "'" : "X off the diagonal"));
        }
        if (i != j) {
          cells[i][j] = link(row, "GPU" + j, token, true);
          nvlinkSum[i] += cells[i][j].nvlinks();
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (!cells[i][j].equals(cells[j][i])) {
          throw asymmetric("GPU" + i, c.gpuRows().get(i), cells[i][j].label(), "GPU" + j, c.gpuRows().get(j),
              cells[j][i].label());
        }
        if (cells[i][j].isNvlink()
            && (nvlinkSum[i] > MAX_NVLINKS_PER_GPU || nvlinkSum[j] > MAX_NVLINKS_PER_GPU)) {
          cells[i][j] = Link.nvswitch(cells[i][j].nvlinks());
          cells[j][i] = cells[i][j];
        }
      }
    }
    List<Gpu> gpus = new ArrayList<>();
    for (Row row : c.gpuRows()) {
      gpus.add(gpu(h, row));
    }
    return new NodeTopology(gpus, LinkMatrix.of(cells), nics(c, warnings), null);
  }

  private static Link link(Row row, String column, String token, boolean nvlinkAllowed) {
    if (token.startsWith("NV")) {
      int count = Integer.parseInt(token.substring(2));
      if (!nvlinkAllowed || count < 1) {
        throw new TopoParseException(row.line(), "row " + row.label() + ", column " + column + ": '" + token
            + "' is not a valid link here" + (nvlinkAllowed ? "" : "; a GPU-NIC path is PIX, PXB, PHB, NODE or SYS"));
      }
      return Link.nvlink(count);
    }
    if (token.equals("X")) {
      throw new TopoParseException(row.line(), "row " + row.label() + ", column " + column + ": X off the diagonal");
    }
    return Link.pcie(LinkKind.ofPcieLabel(token));
  }

  private static Gpu gpu(Header h, Row row) {
    String cpus = "";
    int numa = -1;
    for (int k = 0; k < h.affinityColumns().size(); k++) {
      Header.AffinityColumn column = h.affinityColumns().get(k);
      String value = row.values().get(k);
      boolean valid = value.equals(NA) || switch (column) {
        case CPU_AFFINITY -> CPU_LIST.matcher(value).matches();
        case NUMA_AFFINITY -> NUMA_LIST.matcher(value).matches();
        case GPU_NUMA_ID -> value.matches("\\d{1,6}");
      };
      if (!valid) {
        throw new TopoParseException(row.line(), "row " + row.label() + ", column " + column.title + ": '" + value
            + "' is not " + (column == Header.AffinityColumn.GPU_NUMA_ID ? "a NUMA node id or N/A" : "a list like 0-23,48-71 or N/A"));
      }
      if (column == Header.AffinityColumn.CPU_AFFINITY && !value.equals(NA)) {
        cpus = value;
      } else if (column == Header.AffinityColumn.NUMA_AFFINITY && !value.equals(NA)) {
        numa = Integer.parseInt(value.split("[-,]")[0]);
      }
    }
    return Gpu.ofIndex(row.gpuIndex()).withNuma(numa, cpus);
  }

  /** NIC links come from the GPU rows; NIC rows, where present, must agree with them. */
  private static List<Nic> nics(Capture c, List<String> warnings) {
    Header h = c.header();
    List<Nic> nics = new ArrayList<>();
    List<String> unnamed = new ArrayList<>();
    for (int k = 0; k < h.nicColumns().size(); k++) {
      String name = h.nicColumns().get(k);
      int column = h.gpuCount() + k;
      List<LinkKind> gpuLinks = new ArrayList<>();
      for (Row gpuRow : c.gpuRows()) {
        gpuLinks.add(link(gpuRow, name, gpuRow.cells().get(column), false).kind());
      }
      Row nicRow = c.nicRows().get(name);
      if (nicRow != null) {
        for (int g = 0; g < Math.min(h.gpuCount(), nicRow.cells().size()); g++) {
          String gpuSays = c.gpuRows().get(g).cells().get(column);
          if (!nicRow.cells().get(g).equals(gpuSays)) {
            throw asymmetric("GPU" + g, c.gpuRows().get(g), gpuSays, name, nicRow, nicRow.cells().get(g));
          }
        }
      }
      String device = name.startsWith("NIC") ? c.nicLegend().getOrDefault(name, "") : name;
      if (device.isEmpty()) {
        unnamed.add(name);
      }
      nics.add(new Nic(name, device, gpuLinks));
    }
    if (!unnamed.isEmpty()) {
      warnings.add("capture at line " + h.line() + ": "
          + (c.nicLegend().isEmpty() ? "no NIC legend" : "the NIC legend names no device") + " for "
          + (unnamed.size() <= 3 ? String.join(", ", unnamed) : unnamed.get(0) + ".." + unnamed.get(unnamed.size() - 1)));
    }
    return nics;
  }

  private static TopoParseException asymmetric(String a, Row rowA, String aToB, String b, Row rowB, String bToA) {
    return new TopoParseException(rowB.line(), "matrix is not symmetric: row " + a + ", column " + b + " (line "
        + rowA.line() + ") is " + aToB + " but row " + b + ", column " + a + " is " + bToA);
  }
}
