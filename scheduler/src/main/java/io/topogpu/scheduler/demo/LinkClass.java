package io.topogpu.scheduler.demo;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.NodeTopology;
import java.util.List;

/**
 * How the GPUs of one assignment talk to each other, named by its worst pair as {@code nvidia-smi
 * topo -m} would print it: {@code NV12 via NVSwitch}, {@code NV12}, {@code NODE}, {@code SYS}.
 */
final class LinkClass {
  private LinkClass() {}

  static String of(NodeTopology t, Assignment a) {
    if (!a.mig().isEmpty()) {
      return "MIG slice";
    }
    List<Integer> gpus = a.gpus();
    if (gpus.size() < 2) {
      return "single GPU";
    }
    Link worst = null;
    for (int i = 0; i < gpus.size(); i++) {
      for (int j = i + 1; j < gpus.size(); j++) {
        Link l = t.link(gpus.get(i), gpus.get(j));
        if (worst == null || l.compareTo(worst) > 0) {
          worst = l;
        }
      }
    }
    return worst.label() + (worst.nvswitch() ? " via NVSwitch" : "");
  }
}
