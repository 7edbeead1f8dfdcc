package io.topogpu.topology.annotation;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Jackson edge of the codec: one strictly configured mapper, and the translation of Jackson's
 * failures into one-line {@link AnnotationException}s that name the JSON path and the value.
 *
 * <p>Strict means: no scalar coercion ({@code "7"} is not an integer, {@code 7} is not a string,
 * {@code 1.5} is not an integer), duplicate keys and trailing content are errors. Unknown properties
 * and extra tuple elements are ignored: that is how minor revisions of the schema stay readable.
 */
final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .withCoercionConfig(LogicalType.Textual, c -> c
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build();
  private static final int MAX_QUOTED = 60;
  /** Jackson's "[Source: REDACTED (...); line: 1, column: 15]" in a message, less its source note. */
  private static final Pattern SOURCE_NOTE = Pattern.compile("\\[Source: [^;\\]]*; ");

  /** What the message says was expected, by the Java type Jackson was asked to produce. */
  private static final Map<Class<?>, String> EXPECTED = Map.of(
      Integer.class, "an integer",
      Long.class, "an integer",
      String.class, "a string",
      Boolean.class, "true or false");

  private Json() {}

  static String write(Object wire) {
    try {
      return MAPPER.writeValueAsString(wire);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("wire records always serialise", e);
    }
  }

  /** The JSON tree of {@code value}; anything that is not one JSON document is an error. */
  static JsonNode tree(String value) {
    try {
      return MAPPER.readTree(value);
    } catch (JsonProcessingException e) {
      String problem = SOURCE_NOTE.matcher(e.getOriginalMessage()).replaceAll("[");
      throw new AnnotationException("not valid JSON: " + problem + location(e));
    }
  }

  /** Binds {@code node} to a wire record; a value of the wrong JSON type is an error naming its path. */
  static <T> T bind(JsonNode node, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (MismatchedInputException e) {
      Class<?> target = e.getTargetType();
      String expected = target != null && (Collection.class.isAssignableFrom(target) || isTuple(target))
          ? "an array" : EXPECTED.getOrDefault(target, "an object");
      throw new AnnotationException(path(e.getProcessor()), "expected " + expected + ", got " + offending(e));
    } catch (JsonMappingException | StreamReadException e) {
      // StreamReadException: a number out of range, found while reading the tree
      throw new AnnotationException(path(e.getProcessor()), e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new AnnotationException(e.getOriginalMessage());
    }
  }

  private static boolean isTuple(Class<?> type) {
    JsonFormat format = type.getAnnotation(JsonFormat.class);
    return format != null && format.shape() == JsonFormat.Shape.ARRAY;
  }

  /** A string as a JSON literal, shortened when long, for messages. */
  static String quote(String s) {
    String shown = s.length() > MAX_QUOTED ? s.substring(0, MAX_QUOTED) + "..." : s;
    return write(shown);
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
  }

  private static String offending(MismatchedInputException e) {
    if (!(e.getProcessor() instanceof JsonParser p) || p.currentToken() == null) {
      return "something else";
    }
    JsonToken t = p.currentToken();
    try {
      return switch (t) {
        case START_OBJECT -> "an object";
        case START_ARRAY -> "an array";
        case VALUE_STRING -> quote(p.getText());
        default -> p.getText();
      };
    } catch (IOException io) {
      return t.asString();
    }
  }

  /**
   * The JSON path of the value the parser stood on when binding failed: {@code gpus[3].numa}, or
   * {@code gpus[0].mig.instances[1][2]} inside a tuple.
   */
  private static String path(Object processor) {
    if (!(processor instanceof JsonParser p)) {
      return "";
    }
    JsonStreamContext at = p.getParsingContext();
    if (at != null && p.currentToken() != null && p.currentToken().isStructStart()) {
      at = at.getParent(); // the parser has already entered the offending object or array
    }
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = at; c != null && !c.inRoot(); c = c.getParent()) {
      parts.push(c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
    }
    String joined = String.join("", parts);
    return joined.startsWith(".") ? joined.substring(1) : joined;
  }
}
