package io.topogpu.topology.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything topogpu knows about the GPUs of one node: the shared vocabulary of the node agent, the
 * annotation and the scheduler. Immutable; the derived views (NVLink domains, NUMA groups, pairwise
 * bandwidth) are computed once at construction.
 *
 * <p>Invariants: GPU {@code i} of {@link #gpus()} has index {@code i}; the link matrix has one row
 * per GPU; each NIC has one link class per GPU.
 */
public final class NodeTopology {
  private final List<Gpu> gpus;
  private final LinkMatrix links;
  private final List<Nic> nics;
  private final Fabric fabric;

  private final NvlinkGeneration generation;
  private final double[][] bandwidth;
  private final int[] domainOf;
  private final List<List<Integer>> nvlinkDomains;
  private final boolean[] domainSwitched;
  private final int[] numaGroupOf;
  private final List<List<Integer>> numaGroups;

  public NodeTopology(List<Gpu> gpus, LinkMatrix links, List<Nic> nics, Fabric fabric) {
    this.gpus = List.copyOf(gpus);
    this.links = Objects.requireNonNull(links, "links");
    this.nics = List.copyOf(nics == null ? List.of() : nics);
    this.fabric = fabric;
    int n = this.gpus.size();
    for (int i = 0; i < n; i++) {
      if (this.gpus.get(i).index() != i) {
        throw new IllegalArgumentException(
            "gpu at position " + i + " has index " + this.gpus.get(i).index() + "; indices must be 0.." + (n - 1));
      }
    }
    if (links.size() != n) {
      throw new IllegalArgumentException("link matrix has " + links.size() + " rows for " + n + " gpus");
    }
    for (Nic nic : this.nics) {
      if (nic.gpuLinks().size() != n) {
        throw new IllegalArgumentException(
            "nic " + nic.name() + " has " + nic.gpuLinks().size() + " gpu links for " + n + " gpus");
      }
    }
    this.generation = NvlinkGeneration.fromModel(n == 0 ? "" : this.gpus.get(0).model());
    this.bandwidth = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        bandwidth[i][j] = i == j ? 0 : links.get(i, j).bandwidthGbps(generation);
      }
    }
    this.domainOf = new int[n];
    this.nvlinkDomains = computeDomains();
    this.domainSwitched = new boolean[nvlinkDomains.size()];
    for (int d = 0; d < nvlinkDomains.size(); d++) {
      List<Integer> members = nvlinkDomains.get(d);
      for (int a : members) {
        for (int b : members) {
          if (a != b && links.get(a, b).nvswitch()) {
            domainSwitched[d] = true;
          }
        }
      }
    }
    this.numaGroupOf = new int[n];
    this.numaGroups = computeNumaGroups();
  }

  /** Connected components of the NVLink graph; GPUs with no NVLink belong to no domain (-1). */
  private List<List<Integer>> computeDomains() {
    int n = gpus.size();
    java.util.Arrays.fill(domainOf, -1);
    List<List<Integer>> out = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      if (domainOf[s] >= 0 || !hasNvlink(s)) {
        continue;
      }
      List<Integer> members = new ArrayList<>();
      java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>(List.of(s));
      domainOf[s] = out.size();
      while (!todo.isEmpty()) {
        int g = todo.pop();
        members.add(g);
        for (int h = 0; h < n; h++) {
          if (h != g && domainOf[h] < 0 && links.get(g, h).isNvlink()) {
            domainOf[h] = out.size();
            todo.push(h);
          }
        }
      }
      Collections.sort(members);
      out.add(List.copyOf(members));
    }
    return List.copyOf(out);
  }

  private boolean hasNvlink(int g) {
    for (int h = 0; h < gpus.size(); h++) {
      if (h != g && links.get(g, h).isNvlink()) {
        return true;
      }
    }
    return false;
  }

  /**
   * NUMA groups by the GPU's NUMA node when every GPU knows it, else by identical CPU affinity, else
   * one group for the whole node. Group ids are dense, in order of the lowest GPU index.
   */
  private List<List<Integer>> computeNumaGroups() {
    boolean numaKnown = !gpus.isEmpty() && gpus.stream().allMatch(g -> g.numaNode() >= 0);
    boolean affinityKnown = !gpus.isEmpty() && gpus.stream().allMatch(g -> !g.cpuAffinity().isEmpty());
    Map<String, List<Integer>> byKey = new LinkedHashMap<>();
    for (Gpu g : gpus) {
      String key = numaKnown ? "numa" + g.numaNode() : affinityKnown ? g.cpuAffinity() : "all";
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(g.index());
    }
    List<List<Integer>> out = new ArrayList<>();
    for (List<Integer> members : byKey.values()) {
      for (int g : members) {
        numaGroupOf[g] = out.size();
      }
      out.add(List.copyOf(members));
    }
    return List.copyOf(out);
  }

  public List<Gpu> gpus() {
    return gpus;
  }

  public int gpuCount() {
    return gpus.size();
  }

  public Gpu gpu(int index) {
    return gpus.get(index);
  }

  public LinkMatrix links() {
    return links;
  }

  public Link link(int i, int j) {
    return links.get(i, j);
  }

  public List<Nic> nics() {
    return nics;
  }

  /** Multi-node NVLink membership, or {@code null} when the node is not part of one. */
  public Fabric fabric() {
    return fabric;
  }

  public NvlinkGeneration generation() {
    return generation;
  }

  /** Nominal unidirectional bandwidth between two GPUs in GB/s; 0 on the diagonal. */
  public double bandwidth(int i, int j) {
    return bandwidth[i][j];
  }

  /** Sets of GPUs that reach each other over NVLink, directly or through NVSwitch. */
  public List<List<Integer>> nvlinkDomains() {
    return nvlinkDomains;
  }

  /** Index into {@link #nvlinkDomains()} of the GPU's domain, or -1 when it has no NVLink. */
  public int nvlinkDomainOf(int gpu) {
    return domainOf[gpu];
  }

  /** Whether the NVLinks of domain {@code d} run through an NVSwitch fabric. */
  public boolean domainSwitched(int d) {
    return domainSwitched[d];
  }

  /** True when any GPU pair of this node is joined through an NVSwitch. */
  public boolean hasNvswitch() {
    for (boolean b : domainSwitched) {
      if (b) {
        return true;
      }
    }
    return false;
  }

  public List<List<Integer>> numaGroups() {
    return numaGroups;
  }

  public int numaGroupOf(int gpu) {
    return numaGroupOf[gpu];
  }

  /** Count of GPU pairs per link label, e.g. {@code {NV12=28}}: a compact fingerprint for logs. */
  public Map<String, Integer> linkHistogram() {
    Map<String, Integer> h = new TreeMap<>();
    for (int i = 0; i < gpus.size(); i++) {
      for (int j = i + 1; j < gpus.size(); j++) {
        h.merge(links.get(i, j).toString(), 1, Integer::sum);
      }
    }
    return h;
  }

  public NodeTopology withGpus(List<Gpu> newGpus) {
    return new NodeTopology(newGpus, links, nics, fabric);
  }

  public NodeTopology withFabric(Fabric f) {
    return new NodeTopology(gpus, links, nics, f);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeTopology t
        && gpus.equals(t.gpus)
        && links.equals(t.links)
        && nics.equals(t.nics)
        && Objects.equals(fabric, t.fabric);
  }

  @Override
  public int hashCode() {
    return Objects.hash(gpus, links, nics, fabric);
  }

  @Override
  public String toString() {
    return "NodeTopology{" + gpus.size() + " gpus, links=" + linkHistogram()
        + ", nvlinkDomains=" + nvlinkDomains + ", fabric=" + fabric + "}";
  }
}
