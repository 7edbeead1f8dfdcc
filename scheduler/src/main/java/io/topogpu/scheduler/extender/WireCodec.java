package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The extender's JSON codec, matching how kube-scheduler (Go {@code encoding/json}) reads and
 * writes the wire types: keys match case-insensitively ({@code Pod}, {@code pod}, {@code POD}),
 * unknown keys are ignored, and a value of the wrong JSON type is an error rather than coerced (a
 * number where a string belongs, a string where an array belongs). The embedded Pod and Node
 * objects decode into fabric8 model types through their own Jackson annotations.
 *
 * <p>Decoding reads straight from the request body stream with readers built once; a {@link
 * BadRequestException} carries the field path of the first problem, such as {@code
 * Nodes.items[3].metadata.name} or {@code NodeNames}.
 *
 * <p>Reader limits ({@link StreamReadConstraints}): nesting {@value #MAX_NESTING_DEPTH} levels,
 * strings {@value #MAX_STRING_CHARS} characters (Kubernetes caps all annotations of an object
 * together at 256 KiB), numbers {@value #MAX_NUMBER_CHARS} digits, keys {@value #MAX_NAME_CHARS}
 * characters. A body over one of them is malformed input (400), wherever the value sits.
 */
public final class WireCodec {
  public static final int MAX_NESTING_DEPTH = 1_000;
  public static final int MAX_STRING_CHARS = 1 << 20;
  public static final int MAX_NUMBER_CHARS = 1_000;
  public static final int MAX_NAME_CHARS = 50_000;
  /** The node limit of a request is never below this, however few nodes the extender knows. */
  public static final int MIN_NODE_LIMIT = 1_024;

  /** Advice in Jackson's messages aimed at Java programmers, not at API callers. */
  private static final Pattern JACKSON_HINTS =
      Pattern.compile("\\s*\\((but could if coercion|although at least one Creator)[^)]*\\)");

  private final ObjectMapper mapper;
  private final ObjectReader argsReader;
  private final ObjectReader bindingArgsReader;
  private final ObjectReader preemptionArgsReader;
  private final ObjectWriter writer;

  public WireCodec() {
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_STRING_CHARS)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxNameLength(MAX_NAME_CHARS)
                    .build())
            .build();
    mapper =
        JsonMapper.builder(factory)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .withCoercionConfig(
                LogicalType.Textual,
                c ->
                    c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();
    argsReader = mapper.readerFor(ExtenderArgs.class);
    bindingArgsReader = mapper.readerFor(ExtenderBindingArgs.class);
    preemptionArgsReader = mapper.readerFor(ExtenderPreemptionArgs.class);
    writer = mapper.writer();
  }

  /** The mapper, for tests and tools that must read or write the wire types exactly as served. */
  public ObjectMapper mapper() {
    return mapper;
  }

  public ExtenderArgs decodeArgs(InputStream body) {
    return decode(argsReader, body);
  }

  /**
   * Decodes filter and prioritize arguments carrying at most {@link #nodeLimit nodeLimit(known)}
   * node entries; decoding stops at the first entry over it (400 naming the field).
   */
  public ExtenderArgs decodeArgs(InputStream body, int knownNodes) {
    return decode(argsReader.withAttribute(BoundedNodes.MAX_NODES, nodeLimit(knownNodes)), body);
  }

  /**
   * Twice the nodes the extender knows, at least {@value #MIN_NODE_LIMIT}: kube-scheduler sends
   * only nodes from its own cache, which the extender's informer mirrors; the slack covers nodes
   * added since. Bounds a request's decoded size to a few times the cluster's, whatever the body.
   */
  public static int nodeLimit(int knownNodes) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_NODE_LIMIT, 2L * knownNodes));
  }

  public ExtenderBindingArgs decodeBindingArgs(InputStream body) {
    return decode(bindingArgsReader, body);
  }

  public ExtenderPreemptionArgs decodePreemptionArgs(InputStream body) {
    return decode(preemptionArgsReader, body);
  }

  public byte[] encode(Object value) {
    try {
      return writer.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /** The body of every non-200 answer: {@code {"error": message}}. */
  public byte[] encodeError(String message) {
    return encode(Map.of("error", message));
  }

  private static <T> T decode(ObjectReader reader, InputStream body) {
    try (JsonParser parser = reader.createParser(body)) {
      T value = reader.readValue(parser);
      if (value == null) {
        throw new BadRequestException("request body: expected a JSON object, got null", null);
      }
      // checked here rather than with FAIL_ON_TRAILING_TOKENS: fabric8's Quantity deserializer
      // reads nested trees with the same mapper, where that feature rejects the rest of the body
      if (parser.nextToken() != null) {
        throw new BadRequestException(
            "malformed JSON"
                + at(parser.currentTokenLocation())
                + ": unexpected content after the request object",
            null);
      }
      return value;
    } catch (StreamReadException | StreamConstraintsException e) {
      throw new BadRequestException(malformed(e), e);
    } catch (JsonMappingException e) {
      // a syntax error or a broken limit met while binding a nested object arrives wrapped
      Throwable cause = e.getCause();
      throw new BadRequestException(
          cause instanceof StreamReadException || cause instanceof StreamConstraintsException
              ? malformed((JsonProcessingException) cause)
              : describe(e),
          e);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("malformed JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code <path>: <problem>}, the path in JSON terms ({@code Nodes.items[0].metadata}). */
  static String describe(JsonMappingException e) {
    if (e instanceof ValueInstantiationException
        && e.getCause() instanceof IllegalArgumentException) {
      // our records' own validation: the message already starts with the field path
      String prefix = path(e);
      String problem = e.getCause().getMessage();
      return prefix.isEmpty() ? problem : prefix + "." + problem;
    }
    String path = path(e);
    String problem = JACKSON_HINTS.matcher(e.getOriginalMessage()).replaceAll("");
    return (path.isEmpty() ? "request body" : path) + ": " + problem;
  }

  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  private static String malformed(JsonProcessingException e) {
    return "malformed JSON" + at(e.getLocation()) + ": " + e.getOriginalMessage();
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
