package io.topogpu.benchmarks.workload;

import io.topogpu.benchmarks.sim.CsvTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The real three-tier network of Alibaba's Lingjun cluster ({@code alibaba_lingjun_2023_topo.csv}:
 * {@code ip,DSW,PSW,ASW}): hosts under access switches (ASW, the leaf), under pod switches (PSW, the
 * spine), under one data-centre switch (DSW, the core). ASW names repeat under different PSWs, so a leaf
 * is the pair PSW-ASW.
 */
public final class NetworkMap {
  /** One host's place in the fabric. */
  public record Host(String ip, String leaf, String spine, String core) {}

  private final List<List<Host>> racks;

  private NetworkMap(List<List<Host>> racks) {
    this.racks = racks;
  }

  public static NetworkMap load(Path file) {
    CsvTable t = CsvTable.read(file);
    t.requireColumns(List.of("ip", "DSW", "PSW", "ASW"));
    Map<String, Map<String, List<Host>>> bySpine = new TreeMap<>();
    for (CsvTable.Row r : t.rows()) {
      String spine = r.requiredText("PSW");
      String leaf = spine + "-" + r.requiredText("ASW");
      Host h = new Host(r.requiredText("ip"), leaf, spine, r.requiredText("DSW"));
      bySpine.computeIfAbsent(spine, s -> new TreeMap<>()).computeIfAbsent(leaf, l -> new ArrayList<>()).add(h);
    }
    List<List<List<Host>>> perSpine = new ArrayList<>();
    bySpine.values().forEach(leaves -> perSpine.add(new ArrayList<>(leaves.values())));
    List<List<Host>> racks = new ArrayList<>();
    for (int i = 0; perSpine.stream().anyMatch(l -> !l.isEmpty()); i++) {
      for (List<List<Host>> spineRacks : perSpine) {
        if (!spineRacks.isEmpty()) {
          racks.add(spineRacks.remove(0));
        }
      }
    }
    return new NetworkMap(List.copyOf(racks));
  }

  public int hosts() {
    return racks.stream().mapToInt(List::size).sum();
  }

  /**
   * The first {@code n} hosts taking whole racks (leaves) in turn from each spine, so that even a small
   * simulated cluster has real rack sizes and spans every spine.
   */
  public List<Host> firstHosts(int n) {
    if (n > hosts()) {
      throw new IllegalArgumentException("the network map has " + hosts() + " hosts, asked for " + n);
    }
    List<Host> out = new ArrayList<>();
    for (List<Host> rack : racks) {
      for (Host h : rack) {
        if (out.size() < n) {
          out.add(h);
        }
      }
    }
    return out;
  }
}
