package io.topogpu.topology.annotation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Codec of the pod annotation {@code topogpu.io/gpus}, shared by the scheduler (writes it at bind,
 * reads it back to rebuild its ledger) and the node agent (reads it when the kubelet admits the pod).
 * Compact JSON, fields in a fixed order, empty fields left out (docs/annotations.md):
 *
 * <pre>{@code
 * {"v":1,"node":"dgx-1","gpus":[{"index":4,"uuid":"GPU-..."}],"milli":250,
 *  "mig":[{"gpu":0,"profile":"1g.10gb","start":2,"size":1,"uuid":"MIG-..."}],
 *  "gang":{"name":"llm","size":2,"plan":{"llm-0":"dgx-1","llm-1":"dgx-2"}}}
 * }</pre>
 *
 * Readers accept version 1, ignore unknown fields and reject everything else with an {@link
 * GpusException} naming the field and the value.
 */
public final class GpusCodec {
  public static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);

  private GpusCodec() {}

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

  public static String encode(BoundGpus b) {
    List<GpuWire> gpus = b.gpus().stream().map(g -> new GpuWire(g.index(), g.uuid())).toList();
    List<MigWire> mig = b.mig().stream()
        .map(s -> new MigWire(s.gpu(), s.profile(), s.start(), s.size(), s.uuid()))
        .toList();
    GangWire gang = b.gang().map(g -> new GangWire(g.name(), g.size(), new TreeMap<>(g.plan()))).orElse(null);
    Wire w = new Wire(VERSION, b.node(), gpus, b.milli() == 0 ? null : b.milli(), mig, gang);
    try {
      return JSON.writeValueAsString(w);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + b, e);
    }
  }

  /** Decodes and checks every field; throws {@link GpusException} naming the field. */
  public static BoundGpus decode(String value) {
    Wire w;
    try {
      w = JSON.readValue(value, Wire.class);
    } catch (JsonMappingException e) {
      throw new GpusException(path(e) + ": " + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonProcessingException e) {
      throw new GpusException("not JSON: " + e.getOriginalMessage());
    }
    if (w == null) {
      throw new GpusException("value is null");
    }
    if (w.v() == null || w.v() != VERSION) {
      throw new GpusException("v: unsupported version " + w.v() + ", this reader knows " + VERSION);
    }
    String node = required(w.node(), "node");
    List<BoundGpus.Gpu> gpus = new ArrayList<>();
    List<GpuWire> wireGpus = Optional.ofNullable(w.gpus()).orElse(List.of());
    for (int i = 0; i < wireGpus.size(); i++) {
      GpuWire g = wireGpus.get(i);
      gpus.add(new BoundGpus.Gpu(nonNegative(g == null ? null : g.index(), "gpus[" + i + "].index"), g.uuid()));
    }
    List<BoundGpus.Mig> slots = new ArrayList<>();
    List<MigWire> mig = Optional.ofNullable(w.mig()).orElse(List.of());
    for (int i = 0; i < mig.size(); i++) {
      MigWire m = mig.get(i);
      String at = "mig[" + i + "]";
      if (m == null) {
        throw new GpusException(at + ": null");
      }
      int size = nonNegative(m.size(), at + ".size");
      if (size < 1) {
        throw new GpusException(at + ".size: must be >= 1, got 0");
      }
      slots.add(new BoundGpus.Mig(nonNegative(m.gpu(), at + ".gpu"), required(m.profile(), at + ".profile"),
          nonNegative(m.start(), at + ".start"), size, m.uuid()));
    }
    Optional<BoundGpus.Gang> gang = Optional.ofNullable(w.gang()).map(GpusCodec::gang);
    return new BoundGpus(node, gpus, w.milli() == null ? 0 : w.milli(), slots, gang);
  }

  private static BoundGpus.Gang gang(GangWire g) {
    String name = required(g.name(), "gang.name");
    int size = nonNegative(g.size(), "gang.size");
    if (size < 1) {
      throw new GpusException("gang.size: must be >= 1, got " + size);
    }
    return new BoundGpus.Gang(name, size, g.plan());
  }

  private static String required(String s, String field) {
    if (s == null || s.isBlank()) {
      throw new GpusException(field + ": missing");
    }
    return s;
  }

  private static int nonNegative(Integer i, String field) {
    if (i == null) {
      throw new GpusException(field + ": missing");
    }
    if (i < 0) {
      throw new GpusException(field + ": must be >= 0, got " + i);
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
