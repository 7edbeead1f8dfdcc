package io.topogpu.nodeagent.discovery;

import io.topogpu.topology.model.NodeTopology;
import java.util.List;

/**
 * One successful NVML discovery.
 *
 * @param topology the node's GPUs and links (NICs are not visible to NVML: none listed)
 * @param driverVersion the driver NVML reports, e.g. {@code 550.54.15}
 * @param notes what was absent or assumed, for the log (e.g. "GPU 2: no NUMA affinity")
 * @param activeNvlinks per GPU index, its active NVLinks (to peers and switches); empty when the
 *     source does not count them
 */
public record Probe(NodeTopology topology, String driverVersion, List<String> notes, List<Integer> activeNvlinks) {
  public Probe {
    notes = List.copyOf(notes);
    activeNvlinks = List.copyOf(activeNvlinks);
  }

  public Probe(NodeTopology topology, String driverVersion, List<String> notes) {
    this(topology, driverVersion, notes, List.of());
  }

  /** This probe with {@code t} for its topology (health applied), the rest unchanged. */
  public Probe withTopology(NodeTopology t) {
    return new Probe(t, driverVersion, notes, activeNvlinks);
  }
}
