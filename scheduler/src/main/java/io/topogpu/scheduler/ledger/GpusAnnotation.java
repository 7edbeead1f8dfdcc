package io.topogpu.scheduler.ledger;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GangPlan;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.topology.annotation.BoundGpus;
import io.topogpu.topology.annotation.GpusCodec;
import io.topogpu.topology.annotation.GpusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The scheduler's side of the pod annotation {@code topogpu.io/gpus}: {@link Assignment} to and from
 * the codec it shares with the node agent ({@link GpusCodec}). Written at bind and read back to
 * rebuild the ledger. Compact JSON, fields in a fixed order, empty fields left out
 * (docs/annotations.md):
 *
 * <pre>{@code
 * {"v":1,"node":"dgx-1","gpus":[{"index":4,"uuid":"GPU-..."}],"milli":250,
 *  "mig":[{"gpu":0,"profile":"1g.10gb","start":2,"size":1,"uuid":"MIG-..."}],
 *  "gang":{"name":"llm","size":2,"plan":{"llm-0":"dgx-1","llm-1":"dgx-2"}}}
 * }</pre>
 *
 * Readers accept version 1, ignore unknown fields and reject everything else with a message naming
 * the field and the value.
 */
public final class GpusAnnotation {
  public static final int VERSION = GpusCodec.VERSION;

  private GpusAnnotation() {}

  public static String encode(Assignment a) {
    List<BoundGpus.Gpu> gpus = new ArrayList<>();
    for (int i = 0; i < a.gpus().size(); i++) {
      gpus.add(new BoundGpus.Gpu(a.gpus().get(i), a.gpuUuids().get(i)));
    }
    List<BoundGpus.Mig> mig = a.mig().stream()
        .map(s -> new BoundGpus.Mig(s.gpu(), s.profile(), s.start(), s.size(), s.uuid()))
        .toList();
    Optional<BoundGpus.Gang> gang = a.gang().map(g -> new BoundGpus.Gang(g.name(), g.size(), g.plan()));
    return GpusCodec.encode(new BoundGpus(a.node(), gpus, a.milli(), mig, gang));
  }

  /** Decodes and validates a value; throws {@link GpusAnnotationException} naming the field. */
  public static Assignment decode(String value) {
    BoundGpus b;
    try {
      b = GpusCodec.decode(value);
    } catch (GpusException e) {
      throw new GpusAnnotationException(e.getMessage());
    }
    List<Integer> indices = b.gpus().stream().map(BoundGpus.Gpu::index).toList();
    List<String> uuids = b.gpus().stream().map(BoundGpus.Gpu::uuid).toList();
    List<MigSlot> slots = b.mig().stream()
        .map(m -> new MigSlot(m.gpu(), m.profile(), m.start(), m.size(), m.uuid()))
        .toList();
    Optional<GangPlan> gang = b.gang().map(g -> new GangPlan(g.name(), g.size(), g.plan()));
    try {
      return new Assignment(b.node(), indices, uuids, slots, b.milli(), gang);
    } catch (IllegalArgumentException e) {
      throw new GpusAnnotationException(e.getMessage());
    }
  }
}
