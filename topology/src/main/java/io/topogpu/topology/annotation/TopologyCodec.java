package io.topogpu.topology.annotation;

import com.fasterxml.jackson.databind.JsonNode;
import io.topogpu.topology.model.NodeTopology;

/**
 * The value of the node annotation {@code topogpu.io/topology}, schema v1 (docs/annotations.md):
 * compact JSON, one line, with a fixed field order and every default left out.
 *
 * <p>Contracts: {@code decode(encode(t)).equals(t)} for every topology; {@code encode} is a pure
 * function of the topology (no time, no host, no map order), so the agent can compare values and
 * write only on change. {@code decode} throws nothing but {@link AnnotationException}.
 *
 * <p>Versioning: {@code "v"} is the schema's major version. Minor revisions only add optional fields
 * (or elements after the last of a tuple) and keep {@code "v":1}; readers ignore what they do not
 * know. A change an old reader cannot safely ignore takes the next major, which this reader rejects.
 */
public final class TopologyCodec {
  /** The major version this codec writes and the only one it reads. */
  static final int MAJOR_VERSION = 1;

  private TopologyCodec() {}

  public static String encode(NodeTopology t) {
    return Json.write(WireWriter.write(t));
  }

  /**
   * The topology an annotation value describes.
   *
   * @throws AnnotationException naming the field and the problem, when {@code value} is not JSON,
   *     is of another major version, lacks a required field, has a value of the wrong type, or
   *     describes a topology the model rejects
   */
  public static NodeTopology decode(String value) {
    if (value == null || value.isBlank()) {
      throw new AnnotationException("the value is empty");
    }
    JsonNode root = Json.tree(value);
    if (!root.isObject()) {
      throw new AnnotationException("expected a JSON object, got " + describe(root));
    }
    checkVersion(root.get("v"));
    return WireReader.read(Json.bind(root, Wire.Topology.class));
  }

  /** The version is read before anything else, so a value from a newer major is never misread. */
  private static void checkVersion(JsonNode v) {
    if (v == null) {
      throw new AnnotationException("v", "missing (the schema version; this reader supports 1.x)");
    }
    if (!v.isIntegralNumber()) {
      throw new AnnotationException("v", "expected an integer schema version, got " + describe(v));
    }
    if (!v.canConvertToInt() || v.intValue() != MAJOR_VERSION) {
      throw new AnnotationException("schema version " + v.asText() + " is not supported by this reader (supports "
          + MAJOR_VERSION + ".x)");
    }
  }

  private static String describe(JsonNode node) {
    if (node.isTextual()) {
      return Json.quote(node.asText());
    }
    return node.isContainerNode() ? (node.isObject() ? "an object" : "an array") : node.toString();
  }
}
