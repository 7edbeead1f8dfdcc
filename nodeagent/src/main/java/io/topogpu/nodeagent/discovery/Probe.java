package io.topogpu.nodeagent.discovery;

import io.topogpu.topology.model.NodeTopology;
import java.util.List;

/**
 * One successful NVML discovery.
 *
 * @param topology the node's GPUs and links (NICs are not visible to NVML: none listed)
 * @param driverVersion the driver NVML reports, e.g. {@code 550.54.15}
 * @param notes what was absent or assumed, for the log (e.g. "GPU 2: no NUMA affinity")
 */
public record Probe(NodeTopology topology, String driverVersion, List<String> notes) {
  public Probe {
    notes = List.copyOf(notes);
  }
}
