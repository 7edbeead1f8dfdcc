package io.topogpu.topology.annotation;

import io.topogpu.topology.model.Fabric;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Health;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.Nic;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Model to wire records. Every field equal to its default is left out ({@code null}), so the value
 * stays small and the same topology always gives the same records.
 */
final class WireWriter {
  private WireWriter() {}

  static Wire.Topology write(NodeTopology t) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < t.gpuCount(); i++) {
      List<String> cells = new ArrayList<>();
      for (int j = 0; j < t.gpuCount(); j++) {
        cells.add(i == j ? LinkTokens.DIAGONAL : LinkTokens.of(t.link(i, j)));
      }
      rows.add(String.join(" ", cells));
    }
    return new Wire.Topology(
        TopologyCodec.MAJOR_VERSION,
        t.gpus().stream().map(WireWriter::gpu).toList(),
        rows,
        emptyToNull(t.nics().stream().map(WireWriter::nic).toList()),
        fabric(t.fabric()));
  }

  private static Wire.Gpu gpu(Gpu g) {
    return new Wire.Gpu(
        g.index(),
        emptyToNull(g.uuid()),
        emptyToNull(g.model()),
        g.memoryMiB() == 0 ? null : g.memoryMiB(),
        emptyToNull(g.pciBusId()),
        g.numaNode() == -1 ? null : g.numaNode(),
        emptyToNull(g.cpuAffinity()),
        g.health() == Health.HEALTHY ? null : g.health().name().toLowerCase(Locale.ROOT),
        mig(g.mig()),
        emptyToNull(g.healthReason()));
  }

  private static Wire.Mig mig(MigState m) {
    if (m.equals(MigState.DISABLED)) {
      return null;
    }
    return new Wire.Mig(
        m.enabled(),
        m.slices() == 0 ? null : m.slices(),
        emptyToNull(m.instances().stream().map(WireWriter::instance).toList()),
        emptyToNull(m.unknown()));
  }

  private static Wire.MigInstance instance(MigInstance i) {
    return new Wire.MigInstance(i.profile(), i.start(), i.size(), i.memoryMiB(), i.uuid(), i.giId());
  }

  private static Wire.Nic nic(Nic n) {
    String links = n.gpuLinks().stream().map(LinkKind::label).collect(Collectors.joining(" "));
    return new Wire.Nic(n.name(), emptyToNull(n.device()), links);
  }

  private static Wire.Fabric fabric(Fabric f) {
    return f == null ? null : new Wire.Fabric(f.clusterUuid(), f.cliqueId());
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private static <T> List<T> emptyToNull(List<T> l) {
    return l.isEmpty() ? null : l;
  }
}
