package io.topogpu.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.topogpu.scheduler.gang.GangSettings;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.tiers.TierConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the topogpu policy file (config/policy.yaml documents every field and default):
 *
 * <pre>
 * preset: topology-first        # topology-first | binpack | spread
 * weights:                      # optional overrides of the preset, each 0..100
 *   topology: 6
 * gpuSetCacheEntries: 65536     # bound of the GPU-set memo
 * </pre>
 *
 * Decode, validate, resolve: the result is an immutable {@link Policy}. Every error names the file,
 * the line and the field ({@code policy.yaml: line 3: weights.topology: ...}); unknown fields,
 * presets and terms are errors, listing the valid names.
 */
public final class PolicyLoader {
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .build();

  private PolicyLoader() {}

  record PolicyFile(
      @JsonProperty("preset") @JsonDeserialize(using = PresetDeserializer.class) String preset,
      @JsonProperty("weights") @JsonDeserialize(using = WeightsDeserializer.class) Map<String, Integer> weights,
      @JsonProperty("gpuSetCacheEntries") Integer gpuSetCacheEntries,
      @JsonProperty("gangs") GangsFile gangs) {}

  /** The {@code gangs} section; every field optional. */
  record GangsFile(
      @JsonProperty("bindTimeoutSeconds") Integer bindTimeoutSeconds,
      @JsonProperty("planTimeoutSeconds") Integer planTimeoutSeconds,
      @JsonProperty("starvationAfterSeconds") Integer starvationAfterSeconds,
      @JsonProperty("extenderHttpTimeoutSeconds") Integer extenderHttpTimeoutSeconds,
      @JsonProperty("tiers") java.util.List<String> tiers) {}

  /** The gang section of {@code file}; defaults when absent. */
  public static GangConfig loadGangs(Path file) {
    try {
      return loadGangs(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new PolicyException(file + ": cannot read: " + e.getMessage());
    }
  }

  /**
   * The gang section of {@code yaml} ({@code source} names the file in messages), validated:
   * positive timeouts, known tier names, {@code bindTimeoutSeconds} plus the gang timer's period
   * ({@code tick}) below {@code extenderHttpTimeoutSeconds}.
   */
  public static GangConfig loadGangs(String source, String yaml, Duration tick) {
    PolicyFile f = parse(source, yaml);
    GangsFile g = f == null ? null : f.gangs();
    if (g == null) {
      return GangConfig.DEFAULTS;
    }
    GangSettings d = GangSettings.DEFAULTS;
    GangSettings settings;
    TierConfig tiers;
    try {
      settings = new GangSettings(seconds(g.bindTimeoutSeconds(), d.bindTimeout(), "gangs.bindTimeoutSeconds"),
          seconds(g.planTimeoutSeconds(), d.planTimeout(), "gangs.planTimeoutSeconds"),
          seconds(g.starvationAfterSeconds(), d.starvationAfter(), "gangs.starvationAfterSeconds"));
      tiers = g.tiers() == null ? TierConfig.defaults() : TierConfig.defaults().select(g.tiers());
    } catch (IllegalArgumentException e) {
      throw new PolicyException(source + ": " + (e.getMessage().startsWith("gangs.") ? "" : "gangs.tiers: ")
          + e.getMessage());
    }
    Duration http = seconds(g.extenderHttpTimeoutSeconds(), GangConfig.DEFAULT_HTTP_TIMEOUT,
        "gangs.extenderHttpTimeoutSeconds");
    if (settings.bindTimeout().plus(tick).compareTo(http) >= 0) {
      throw new PolicyException(source + ": gangs.bindTimeoutSeconds: " + settings.bindTimeout().toSeconds()
          + " plus the gang timer's " + tick.toMillis() + " ms must stay below extenderHttpTimeoutSeconds "
          + http.toSeconds() + " (kube-scheduler's httpTimeout), or kube-scheduler gives up on the bind first");
    }
    return new GangConfig(settings, tiers, http);
  }

  public static GangConfig loadGangs(String source, String yaml) {
    return loadGangs(source, yaml, Duration.ofSeconds(1));
  }

  private static Duration seconds(Integer value, Duration fallback, String field) {
    if (value == null) {
      return fallback;
    }
    if (value <= 0) {
      throw new IllegalArgumentException(field + ": must be a positive number of seconds, got " + value);
    }
    return Duration.ofSeconds(value);
  }

  public static Policy load(Path file) {
    try {
      return load(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new PolicyException(file + ": cannot read: " + e.getMessage());
    }
  }

  /** Parses {@code yaml}; {@code source} names the file in messages. An empty file is the default. */
  public static Policy load(String source, String yaml) {
    PolicyFile f = parse(source, yaml);
    if (f == null) {
      return Policy.defaults();
    }
    int cache = f.gpuSetCacheEntries() == null ? Policy.DEFAULT_CACHE_ENTRIES : f.gpuSetCacheEntries();
    if (cache < 0) {
      throw new PolicyException(source + ": gpuSetCacheEntries: must be >= 0, got " + cache);
    }
    return Policy.of(f.preset() == null ? Policy.DEFAULT_PRESET : f.preset(),
        f.weights() == null ? Map.of() : f.weights(), cache);
  }

  private static PolicyFile parse(String source, String yaml) {
    try {
      return yaml.isBlank() ? null : YAML.readValue(yaml, PolicyFile.class);
    } catch (JsonProcessingException e) {
      throw new PolicyException(source + ": line " + e.getLocation().getLineNr() + ": " + describe(e));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String describe(JsonProcessingException e) {
    if (e instanceof FieldException) {
      return e.getOriginalMessage();
    }
    if (!(e instanceof JsonMappingException m)) {
      return "not YAML: " + e.getOriginalMessage();
    }
    String path = m.getPath().stream()
        .map(r -> r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : "." + r.getFieldName())
        .collect(Collectors.joining()).replaceFirst("^\\.", "");
    if (e instanceof UnrecognizedPropertyException u) {
      return path + ": unknown field; valid fields: " + u.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
    }
    if (e instanceof InvalidFormatException f) {
      return path + ": expected " + f.getTargetType().getSimpleName().toLowerCase() + ", got '" + f.getValue() + "'";
    }
    return path + ": " + e.getOriginalMessage().split("\n")[0];
  }

  /** A field error raised by our own deserializers; its message already names the field. */
  static final class FieldException extends JsonMappingException {
    private static final long serialVersionUID = 1L;

    FieldException(JsonParser p, String message) {
      super(p, message, p.currentTokenLocation());
    }
  }

  static final class PresetDeserializer extends JsonDeserializer<String> {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String name = p.getValueAsString();
      if (p.currentToken() != JsonToken.VALUE_STRING || !Policy.presetNames().contains(name)) {
        throw new FieldException(p, "preset: unknown preset '" + p.getText() + "'; valid presets: "
            + String.join(", ", Policy.presetNames()));
      }
      return name;
    }
  }

  static final class WeightsDeserializer extends JsonDeserializer<Map<String, Integer>> {
    @Override
    public Map<String, Integer> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new FieldException(p, "weights: expected a map of score term to weight, got '" + p.getText() + "'");
      }
      Map<String, Integer> out = new LinkedHashMap<>();
      for (String term = p.nextFieldName(); term != null; term = p.nextFieldName()) {
        if (!Policy.termNames().contains(term)) {
          throw new FieldException(p, "weights." + term + ": unknown score term; valid terms: "
              + String.join(", ", Policy.termNames()));
        }
        JsonToken value = p.nextToken();
        if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0 || p.getLongValue() > Policy.MAX_WEIGHT) {
          throw new FieldException(p, "weights." + term + ": must be an integer 0.." + Policy.MAX_WEIGHT
              + ", got '" + p.getText() + "'");
        }
        out.put(term, p.getIntValue());
      }
      return out;
    }
  }
}
