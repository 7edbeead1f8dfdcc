package io.topogpu.scheduler.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GangPlan;
import io.topogpu.scheduler.model.MigSlot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Codec of the pod annotation {@code topogpu.io/gpus}, written at bind and read back to rebuild the
 * ledger. Compact JSON, fields in a fixed order, empty fields left out (docs/annotations.md):
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
  public static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);

  private GpusAnnotation() {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"v", "node", "gpus", "milli", "mig", "gang"})
  record Wire(Integer v, String node, List<GpuWire> gpus, Integer milli, List<MigWire> mig, GangWire gang) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"index", "uuid"})
  record GpuWire(Integer index, String uuid) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"gpu", "profile", "start", "size", "uuid"})
  record MigWire(Integer gpu, String profile, Integer start, Integer size, String uuid) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonPropertyOrder({"name", "size", "plan"})
  record GangWire(String name, Integer size, Map<String, String> plan) {}

  public static String encode(Assignment a) {
    List<GpuWire> gpus = new ArrayList<>();
    for (int i = 0; i < a.gpus().size(); i++) {
      gpus.add(new GpuWire(a.gpus().get(i), a.gpuUuids().get(i)));
    }
    List<MigWire> mig = a.mig().stream()
        .map(s -> new MigWire(s.gpu(), s.profile(), s.start(), s.size(), s.uuid()))
        .toList();
    GangWire gang = a.gang()
        .map(g -> new GangWire(g.name(), g.size(), new TreeMap<>(g.plan())))
        .orElse(null);
    Wire w = new Wire(VERSION, a.node(), gpus, a.milli() == 0 ? null : a.milli(), mig, gang);
    try {
      return JSON.writeValueAsString(w);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + a, e);
    }
  }

  /** Decodes and validates a value; throws {@link GpusAnnotationException} naming the field. */
  public static Assignment decode(String value) {
    Wire w;
    try {
      w = JSON.readValue(value, Wire.class);
    } catch (JsonMappingException e) {
      throw new GpusAnnotationException(path(e) + ": " + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonProcessingException e) {
      throw new GpusAnnotationException("not JSON: " + e.getOriginalMessage());
    }
    if (w == null) {
      throw new GpusAnnotationException("value is null");
    }
    if (w.v() == null || w.v() != VERSION) {
      throw new GpusAnnotationException("v: unsupported version " + w.v() + ", this reader knows " + VERSION);
    }
    String node = required(w.node(), "node");
    List<Integer> indices = new ArrayList<>();
    List<String> uuids = new ArrayList<>();
    List<GpuWire> gpus = Optional.ofNullable(w.gpus()).orElse(List.of());
    for (int i = 0; i < gpus.size(); i++) {
      GpuWire g = gpus.get(i);
      indices.add(nonNegative(g == null ? null : g.index(), "gpus[" + i + "].index"));
      uuids.add(g.uuid() == null ? "" : g.uuid());
    }
    List<MigSlot> slots = new ArrayList<>();
    List<MigWire> mig = Optional.ofNullable(w.mig()).orElse(List.of());
    for (int i = 0; i < mig.size(); i++) {
      MigWire m = mig.get(i);
      String at = "mig[" + i + "]";
      if (m == null) {
        throw new GpusAnnotationException(at + ": null");
      }
      int size = nonNegative(m.size(), at + ".size");
      if (size < 1) {
        throw new GpusAnnotationException(at + ".size: must be >= 1, got 0");
      }
      slots.add(new MigSlot(nonNegative(m.gpu(), at + ".gpu"), required(m.profile(), at + ".profile"),
          nonNegative(m.start(), at + ".start"), size, m.uuid()));
    }
    Optional<GangPlan> gang = Optional.ofNullable(w.gang()).map(GpusAnnotation::gang);
    try {
      return new Assignment(node, indices, uuids, slots, w.milli() == null ? 0 : w.milli(), gang);
    } catch (IllegalArgumentException e) {
      throw new GpusAnnotationException(e.getMessage());
    }
  }

  private static GangPlan gang(GangWire g) {
    String name = required(g.name(), "gang.name");
    int size = nonNegative(g.size(), "gang.size");
    if (size < 1) {
      throw new GpusAnnotationException("gang.size: must be >= 1, got " + size);
    }
    return new GangPlan(name, size, g.plan());
  }

  private static String required(String s, String field) {
    if (s == null || s.isBlank()) {
      throw new GpusAnnotationException(field + ": missing");
    }
    return s;
  }

  private static int nonNegative(Integer i, String field) {
    if (i == null) {
      throw new GpusAnnotationException(field + ": missing");
    }
    if (i < 0) {
      throw new GpusAnnotationException(field + ": must be >= 0, got " + i);
    }
    return i;
  }

  /** {@code gpus[0].index} from Jackson's reference chain. */
  static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : "." + r.getFieldName())
        .collect(Collectors.joining())
        .replaceFirst("^\\.", "");
  }
}
