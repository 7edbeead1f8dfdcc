package io.topogpu.scheduler.model;

import io.topogpu.topology.model.LinkMatrix;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.model.NvlinkGeneration;
import java.util.Arrays;
import java.util.Objects;

/**
 * The fingerprint of a node's GPU topology as far as GPU-set choice is concerned: link matrix,
 * NVLink generation and NUMA grouping. Two nodes of the same model share a shape even though their
 * GPU UUIDs differ, so a choice computed for one serves the other. Hash computed once.
 */
public final class Shape {
  private final LinkMatrix links;
  private final NvlinkGeneration generation;
  private final int[] numaGroupOf;
  private final int hash;

  private Shape(NodeTopology t) {
    this.links = t.links();
    this.generation = t.generation();
    this.numaGroupOf = new int[t.gpuCount()];
    for (int g = 0; g < numaGroupOf.length; g++) {
      numaGroupOf[g] = t.numaGroupOf(g);
    }
    this.hash = Objects.hash(links, generation, Arrays.hashCode(numaGroupOf));
  }

  public static Shape of(NodeTopology t) {
    return new Shape(t);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s
        && hash == s.hash
        && generation == s.generation
        && Arrays.equals(numaGroupOf, s.numaGroupOf)
        && links.equals(s.links);
  }

  @Override
  public int hashCode() {
    return hash;
  }
}
