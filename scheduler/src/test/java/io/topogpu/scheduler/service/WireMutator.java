package io.topogpu.scheduler.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.topogpu.scheduler.extender.Routes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generator of extender requests for fuzzing: a valid kube-scheduler body (filter and
 * prioritize with node names or full nodes, bind, for whole-GPU, share, MIG and gang pods), then
 * one to three mutations, each of a named class:
 *
 * <ul>
 *   <li>{@code tree}: a value anywhere in the tree replaced by a hostile one (null, wrong type,
 *       huge or negative numbers, quantities that overflow, long strings, deep nesting, arrays
 *       holding null) or removed;
 *   <li>{@code bytes}: the serialised body truncated, a byte flipped, or bytes inserted;
 *   <li>{@code valid}: no mutation (the control: these must succeed or fail logically).
 * </ul>
 */
final class WireMutator {
  /** Writes what the extender's reader must refuse: nesting deeper than its limit. */
  private static final ObjectMapper JSON = new ObjectMapper(
      com.fasterxml.jackson.core.JsonFactory.builder()
          .streamWriteConstraints(com.fasterxml.jackson.core.StreamWriteConstraints.builder()
              .maxNestingDepth(10_000).build())
          .build());
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String[] RESOURCES = {
    "nvidia.com/gpu", "topogpu.io/gpu-milli", "nvidia.com/mig-1g.10gb", "cpu"};

  record Case(String kind, String path, byte[] body) {}

  private final Random random;
  private int serial;

  WireMutator(Random random) {
    this.random = random;
  }

  Case next() {
    String path = pick(Routes.FILTER, Routes.PRIORITIZE, Routes.BIND);
    ObjectNode body = path.equals(Routes.BIND) ? bind() : args();
    int roll = random.nextInt(10);
    if (roll == 0) {
      return new Case("valid", path, bytes(body));
    }
    if (roll <= 2) {
      return new Case("bytes", path, mutateBytes(bytes(body)));
    }
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      mutateTree(body);
    }
    return new Case("tree", path, bytes(body));
  }

  private ObjectNode args() {
    ObjectNode root = F.objectNode();
    root.set("Pod", pod());
    if (random.nextBoolean()) {
      ArrayNode names = root.putArray("NodeNames");
      for (String n : List.of("dgx", "l40s", "ghost")) {
        if (random.nextInt(3) > 0) {
          names.add(n);
        }
      }
    } else {
      ArrayNode items = root.putObject("Nodes").putArray("items");
      for (String n : List.of("dgx", "l40s")) {
        ObjectNode node = items.addObject();
        node.putObject("metadata").put("name", n);
        node.putObject("status").putObject("allocatable").put("nvidia.com/gpu", "8");
      }
    }
    return root;
  }

  private ObjectNode pod() {
    ObjectNode pod = F.objectNode();
    ObjectNode meta = pod.putObject("metadata");
    String name = "p-" + (serial++ % 40);
    meta.put("name", name).put("namespace", "default").put("uid", "uid-" + name);
    ObjectNode annotations = meta.putObject("annotations");
    if (random.nextInt(4) == 0) {
      annotations.put("topogpu.io/gang", "g").put("topogpu.io/gang-size", "2");
    }
    if (random.nextInt(4) == 0) {
      annotations.put("topogpu.io/placement-required", pick("nvlink", "numa", "none"));
    }
    ObjectNode spec = pod.putObject("spec");
    spec.put("schedulerName", "topogpu");
    ArrayNode containers = spec.putArray("containers");
    ObjectNode c = containers.addObject().put("name", "c");
    String resource = pick(RESOURCES);
    String amount = resource.equals("topogpu.io/gpu-milli") ? "250" : Integer.toString(1 + random.nextInt(4));
    c.putObject("resources").putObject("limits").put(resource, amount);
    return pod;
  }

  private ObjectNode bind() {
    ObjectNode b = F.objectNode();
    String name = "p-" + random.nextInt(40);
    return b.put("PodName", name).put("PodNamespace", "default").put("PodUID", "uid-" + name)
        .put("Node", pick("dgx", "l40s", "ghost"));
  }

  /** Replaces a random value of the tree, or removes it. */
  private void mutateTree(ObjectNode root) {
    List<Slot> slots = new ArrayList<>();
    collect(root, slots);
    Slot s = slots.get(random.nextInt(slots.size()));
    JsonNode hostile = hostile();
    if (s.parent() instanceof ObjectNode o) {
      if (hostile == null) {
        o.remove(s.key());
      } else {
        o.set(s.key(), hostile);
      }
    } else if (s.parent() instanceof ArrayNode a) {
      if (hostile == null) {
        a.remove(s.index());
      } else {
        a.set(s.index(), hostile);
      }
    }
  }

  private record Slot(JsonNode parent, String key, int index) {}

  private static void collect(JsonNode node, List<Slot> out) {
    if (node instanceof ObjectNode o) {
      o.fieldNames().forEachRemaining(k -> {
        out.add(new Slot(o, k, -1));
        collect(o.get(k), out);
      });
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        out.add(new Slot(a, null, i));
        collect(a.get(i), out);
      }
    }
  }

  /** A hostile value; null means "remove the field". */
  private JsonNode hostile() {
    return switch (random.nextInt(22)) {
      case 0 -> null;
      case 1 -> F.nullNode();
      case 2 -> F.numberNode(random.nextLong());
      case 3 -> F.numberNode(-1);
      case 4 -> F.textNode("9223372036854775807");
      case 5 -> F.textNode("-1");
      case 6 -> F.textNode("0.5");
      case 7 -> F.textNode("1e400");
      case 8 -> F.textNode("x".repeat(1 + random.nextInt(70_000)));
      case 9 -> F.booleanNode(random.nextBoolean());
      case 10 -> F.objectNode();
      case 11 -> F.arrayNode();
      case 12 -> F.arrayNode().addNull();
      case 13 -> F.textNode("");
      case 14 -> F.textNode(" ");
      case 15 -> F.textNode("{\"v\":1,\"node\":\"dgx\",\"gpus\":[{\"index\":99}]}");
      case 16 -> F.textNode("{\"v\":1,\"node\":\"dgx\",\"gang\":{\"name\":\"g\",\"size\":2,\"plan\":{\"a\":null}}}");
      case 17 -> deep(random.nextInt(1_200));
      case 18 -> F.numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(1_100))));
      case 19 -> F.textNode("\u0000\uFFFF\uD800");
      case 20 -> F.objectNode().put("nvidia.com/gpu", "9223372036854775807")
          .put("topogpu.io/gpu-milli", "9223372036854775807");
      default -> F.textNode(pick("dgx", "ghost", "nvidia.com/gpu", "Always", "Running", "topogpu"));
    };
  }

  private static JsonNode deep(int depth) {
    ArrayNode top = F.arrayNode();
    ArrayNode a = top;
    for (int i = 0; i < depth; i++) {
      a = a.addArray();
    }
    return top;
  }

  private byte[] mutateBytes(byte[] body) {
    switch (random.nextInt(3)) {
      case 0:
        return java.util.Arrays.copyOf(body, random.nextInt(body.length));
      case 1: {
        byte[] out = body.clone();
        int at = random.nextInt(out.length);
        out[at] = (byte) random.nextInt(256);
        return out;
      }
      default: {
        int at = random.nextInt(body.length);
        byte[] insert = pick("\"", "{", "]", ",", "\\u", "\u00ff", "null", "1e999999")
            .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length + insert.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(body, at, out, at + insert.length, body.length - at);
        return out;
      }
    }
  }

  private static byte[] bytes(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[random.nextInt(options.length)];
  }
}
