package io.topogpu.topology.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A readable, pretty-printed JSON view of a {@link NodeTopology} for people and scripts ({@code
 * probe --format json}): the model's records plus its derived views (NVLink domains, NUMA groups,
 * link histogram). Not the node annotation: that is the compact, versioned {@code TopologyCodec}
 * encoding, and this view makes no compatibility promise.
 */
public final class ModelJson {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelJson() {}

  public static String render(NodeTopology t) {
    try {
      return MAPPER.writeValueAsString(view(t));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("model records always serialise", e);
    }
  }

  /** The view as plain maps and lists, in a fixed key order. */
  static Map<String, Object> view(NodeTopology t) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("gpuCount", t.gpuCount());
    out.put("nvlinkGeneration", t.generation().name());
    out.put("hasNvswitch", t.hasNvswitch());
    out.put("gpus", t.gpus());
    List<List<String>> matrix = new ArrayList<>();
    for (int i = 0; i < t.gpuCount(); i++) {
      List<String> row = new ArrayList<>();
      for (int j = 0; j < t.gpuCount(); j++) {
        row.add(i == j ? "X" : t.link(i, j).toString());
      }
      matrix.add(row);
    }
    out.put("links", matrix);
    out.put("linkHistogram", t.linkHistogram());
    List<Map<String, Object>> domains = new ArrayList<>();
    for (int d = 0; d < t.nvlinkDomains().size(); d++) {
      Map<String, Object> domain = new LinkedHashMap<>();
      domain.put("gpus", t.nvlinkDomains().get(d));
      domain.put("switched", t.domainSwitched(d));
      domains.add(domain);
    }
    out.put("nvlinkDomains", domains);
    out.put("numaGroups", t.numaGroups());
    out.put("nics", t.nics());
    out.put("fabric", t.fabric());
    return out;
  }
}
