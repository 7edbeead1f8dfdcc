package io.topogpu.topology.render;

import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.Nic;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The human view of a {@link NodeTopology} ({@code probe --format table}): GPUs, NVLink domains,
 * NUMA groups, the GPU link matrix ({@code *} marks links through an NVSwitch), NICs and the
 * multi-node fabric. Layout is for reading, not parsing: scripts use {@link ModelJson}.
 */
public final class TopologyTable {
  private TopologyTable() {}

  public static String render(NodeTopology t) {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%d GPUs, NVLink generation %s, NVSwitch: %s%n",
        t.gpuCount(), t.generation(), t.hasNvswitch() ? "yes" : "no"));
    gpus(t, out);
    out.append(String.format("%nNVLink domains:%n"));
    if (t.nvlinkDomains().isEmpty()) {
      out.append(String.format("  none (no GPU pair is joined by NVLink)%n"));
    }
    for (int d = 0; d < t.nvlinkDomains().size(); d++) {
      List<Integer> members = t.nvlinkDomains().get(d);
      out.append(String.format("  %d: GPUs %s (%d GPUs, %s)%n", d, join(members), members.size(),
          t.domainSwitched(d) ? "through NVSwitch" : "direct NVLink"));
    }
    out.append(String.format("%nNUMA groups:%n"));
    for (int g = 0; g < t.numaGroups().size(); g++) {
      List<Integer> members = t.numaGroups().get(g);
      int node = t.gpu(members.get(0)).numaNode();
      out.append(String.format("  %d: GPUs %s%s%n", g, join(members), node >= 0 ? " (NUMA node " + node + ")" : ""));
    }
    matrix(t, out);
    nics(t, out);
    out.append(String.format("%nFabric: %s%n", t.fabric() == null ? "none" : t.fabric().cliqueLabel()));
    return out.toString();
  }

  private static void gpus(NodeTopology t, StringBuilder out) {
    out.append(String.format("%nGPU  %-24s %-5s %-18s %-9s %s%n", "MODEL", "NUMA", "CPU AFFINITY", "HEALTH", "MIG"));
    for (Gpu g : t.gpus()) {
      out.append(String.format("%-4d %-24s %-5s %-18s %-9s %s%n", g.index(), g.model().isEmpty() ? "-" : g.model(),
          g.numaNode() >= 0 ? String.valueOf(g.numaNode()) : "-", g.cpuAffinity().isEmpty() ? "-" : g.cpuAffinity(),
          g.health(), mig(g)));
    }
  }

  private static String mig(Gpu g) {
    if (!g.mig().enabled()) {
      return "off";
    }
    List<String> instances = new ArrayList<>();
    for (MigInstance m : g.mig().instances()) {
      instances.add(m.profile() + "@" + m.start() + ":" + m.size());
    }
    return "on, " + g.mig().slices() + " slices" + (instances.isEmpty() ? "" : ": " + String.join(" ", instances));
  }

  private static void matrix(NodeTopology t, StringBuilder out) {
    out.append(String.format("%nGPU links (* = through NVSwitch):%n"));
    StringBuilder line = new StringBuilder(String.format("%-7s", ""));
    for (int j = 0; j < t.gpuCount(); j++) {
      line.append(String.format("%-7s", "GPU" + j));
    }
    out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    for (int i = 0; i < t.gpuCount(); i++) {
      line = new StringBuilder(String.format("%-7s", "GPU" + i));
      for (int j = 0; j < t.gpuCount(); j++) {
        String cell = i == j ? "X" : t.link(i, j).label() + (t.link(i, j).nvswitch() ? "*" : "");
        line.append(String.format("%-7s", cell));
      }
      out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
  }

  /** Each NIC with its closest GPUs: those at the best PCIe class the NIC has to any GPU. */
  private static void nics(NodeTopology t, StringBuilder out) {
    out.append(String.format("%nNICs:%n"));
    if (t.nics().isEmpty()) {
      out.append(String.format("  none listed%n"));
    }
    for (Nic nic : t.nics()) {
      LinkKind best = nic.gpuLinks().stream().min(LinkKind::compareTo).orElse(LinkKind.SYS);
      List<Integer> closest = new ArrayList<>();
      for (int g = 0; g < nic.gpuLinks().size(); g++) {
        if (nic.gpuLinks().get(g) == best) {
          closest.add(g);
        }
      }
      out.append(String.format("  %-8s %-10s closest GPUs %s (%s)%n", nic.name(),
          nic.device().isEmpty() ? "-" : nic.device(), join(closest), best.label()));
    }
  }

  private static String join(List<Integer> gpus) {
    return gpus.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}
