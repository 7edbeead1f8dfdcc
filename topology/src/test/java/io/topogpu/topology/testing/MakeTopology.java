package io.topogpu.topology.testing;

import io.topogpu.topology.model.Fabric;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Health;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.LinkMatrix;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.Nic;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fluent builder of {@link NodeTopology} fixtures, so a test reads as a sentence:
 *
 * <pre>{@code
 * MakeTopology.gpus(8).nvswitch(12).numa(0, 0, 1, 1, 2, 2, 3, 3).build();
 * MakeTopology.gpus(4).pcie(LinkKind.SYS).nvlinkPair(0, 1, 12).nvlinkPair(2, 3, 12).build();
 * }</pre>
 *
 * Pairs not given an NVLink get the background PCIe class ({@link LinkKind#SYS} unless {@link
 * #pcie} says otherwise); later calls override earlier ones for the same pair.
 */
public final class MakeTopology {
  private final int n;
  private final Link[][] explicit;
  private LinkKind background = LinkKind.SYS;
  private final Gpu[] gpus;
  private final List<Nic> nics = new ArrayList<>();
  private Fabric fabric;

  private MakeTopology(int n) {
    this.n = n;
    this.explicit = new Link[n][n];
    this.gpus = new Gpu[n];
    for (int i = 0; i < n; i++) {
      gpus[i] = Gpu.ofIndex(i);
    }
  }

  /** A node of {@code n} GPUs, all pairs {@code SYS}, NUMA unknown, healthy, MIG off. */
  public static MakeTopology gpus(int n) {
    return new MakeTopology(n);
  }

  /** Every pair without an NVLink gets {@code kind}. */
  public MakeTopology pcie(LinkKind kind) {
    this.background = kind;
    return this;
  }

  /** Every pair joined by {@code nvlinks} links through an NVSwitch (DGX-style). */
  public MakeTopology nvswitch(int nvlinks) {
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        link(i, j, Link.nvswitch(nvlinks));
      }
    }
    return this;
  }

  /** Direct NVLink (bridge or mesh) between {@code a} and {@code b}. */
  public MakeTopology nvlinkPair(int a, int b, int nvlinks) {
    return link(a, b, Link.nvlink(nvlinks));
  }

  /** Any link between {@code a} and {@code b}, both directions. */
  public MakeTopology link(int a, int b, Link link) {
    explicit[a][b] = link;
    explicit[b][a] = link;
    return this;
  }

  /** NUMA node of each GPU in index order; the CPU affinity stays unknown. */
  public MakeTopology numa(int... nodes) {
    if (nodes.length != n) {
      throw new IllegalArgumentException("numa needs " + n + " nodes, got " + Arrays.toString(nodes));
    }
    for (int i = 0; i < n; i++) {
      gpus[i] = gpus[i].withNuma(nodes[i], gpus[i].cpuAffinity());
    }
    return this;
  }

  /** The same marketing name on every GPU (it picks the NVLink generation). */
  public MakeTopology model(String model) {
    for (int i = 0; i < n; i++) {
      Gpu g = gpus[i];
      gpus[i] = new Gpu(i, g.uuid(), model, g.memoryMiB(), g.pciBusId(), g.numaNode(), g.cpuAffinity(), g.health(), g.mig());
    }
    return this;
  }

  public MakeTopology mig(int gpu, MigState state) {
    gpus[gpu] = gpus[gpu].withMig(state);
    return this;
  }

  public MakeTopology unhealthy(int gpu) {
    gpus[gpu] = gpus[gpu].withHealth(Health.UNHEALTHY);
    return this;
  }

  /** A NIC with its PCIe class to each GPU, in index order. */
  public MakeTopology nic(String name, String device, LinkKind... perGpu) {
    nics.add(new Nic(name, device, List.of(perGpu)));
    return this;
  }

  public MakeTopology fabric(Fabric f) {
    this.fabric = f;
    return this;
  }

  public NodeTopology build() {
    Link[][] cells = new Link[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          cells[i][j] = explicit[i][j] != null ? explicit[i][j] : Link.pcie(background);
        }
      }
    }
    return new NodeTopology(List.of(gpus), LinkMatrix.of(cells), nics, fabric);
  }
}
