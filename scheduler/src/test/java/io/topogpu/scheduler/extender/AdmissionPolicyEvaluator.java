package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates a shipped ValidatingAdmissionPolicy's CEL (match conditions, variables, validations)
 * with Google's CEL implementation for Java, the way the API server does for one request: the
 * match conditions decide whether the policy applies; then every validation must be true, and a
 * validation that is false or fails to evaluate denies (failurePolicy: Fail). Covers the standard
 * CEL the policies use (macros, maps, lists, strings), not Kubernetes' CEL library extensions,
 * which they do not use. Values are what the API server passes: {@code object}, {@code
 * oldObject} (null on CREATE), {@code request}, {@code variables}.
 */
final class AdmissionPolicyEvaluator {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Why a request was denied (each failed validation's message), or empty when admitted. */
  record Verdict(boolean matched, List<String> denials) {
    boolean admitted() {
      return !matched || denials.isEmpty();
    }
  }

  private record Named(String name, CelRuntime.Program program) {}

  private record Validation(CelRuntime.Program program, String message) {}

  private final CelCompiler compiler =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("object", SimpleType.DYN)
          .addVar("oldObject", SimpleType.DYN)
          .addVar("request", SimpleType.DYN)
          .addVar("variables", SimpleType.DYN)
          .build();
  private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private final List<CelRuntime.Program> matchConditions = new ArrayList<>();
  private final List<Named> variables = new ArrayList<>();
  private final List<Validation> validations = new ArrayList<>();
  final int expressions;

  /** Compiles every expression of the ValidatingAdmissionPolicy in {@code file}. */
  AdmissionPolicyEvaluator(Path file) {
    JsonNode spec = policy(file).get("spec");
    for (JsonNode m : spec.path("matchConditions")) {
      matchConditions.add(compile(m.get("expression").asText()));
    }
    for (JsonNode v : spec.path("variables")) {
      variables.add(new Named(v.get("name").asText(), compile(v.get("expression").asText())));
    }
    for (JsonNode v : spec.path("validations")) {
      String message = v.has("message") ? v.get("message").asText() : null;
      if (v.has("messageExpression")) {
        compile(v.get("messageExpression").asText()); // compiled, so a typo there fails too
        message = "messageExpression: " + v.get("messageExpression").asText();
      }
      validations.add(new Validation(compile(v.get("expression").asText()), message));
    }
    expressions = matchConditions.size() + variables.size() + validations.size();
  }

  private static JsonNode policy(Path file) {
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
        if ("ValidatingAdmissionPolicy".equals(doc.path("kind").asText())) {
          return doc;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException(file + ": no ValidatingAdmissionPolicy");
  }

  private CelRuntime.Program compile(String expression) {
    try {
      CelAbstractSyntaxTree ast = compiler.compile(expression).getAst();
      return runtime.createProgram(ast);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException("does not compile: " + expression + ": " + e.getMessage(), e);
    }
  }

  /** The verdict on one request; {@code oldObject} is null for CREATE. */
  Verdict evaluate(Map<String, Object> request, Map<String, Object> object,
      Map<String, Object> oldObject) {
    Map<String, Object> activation = new HashMap<>();
    activation.put("request", request);
    activation.put("object", object);
    activation.put("oldObject", oldObject == null ? com.google.protobuf.NullValue.NULL_VALUE : oldObject);
    for (CelRuntime.Program m : matchConditions) {
      if (!Boolean.TRUE.equals(eval(m, activation).orElse(false))) {
        return new Verdict(false, List.of());
      }
    }
    Map<String, Object> vars = new LinkedHashMap<>();
    activation.put("variables", vars);
    for (Named v : variables) {
      eval(v.program(), activation).ifPresent(value -> vars.put(v.name(), value));
    }
    List<String> denials = new ArrayList<>();
    for (Validation v : validations) {
      Optional<Object> result = eval(v.program(), activation);
      if (!Boolean.TRUE.equals(result.orElse(false))) {
        denials.add(result.isEmpty() ? "evaluation error: " + v.message() : v.message());
      }
    }
    return new Verdict(true, denials);
  }

  private static Optional<Object> eval(CelRuntime.Program p, Map<String, Object> activation) {
    try {
      return Optional.of(p.eval(activation));
    } catch (CelEvaluationException e) {
      return Optional.empty();
    }
  }

  /** A YAML or JSON object as CEL takes it: maps, lists, strings, longs, booleans. */
  static Map<String, Object> object(String yaml) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) cel(YAML.readValue(yaml, Object.class));
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object cel(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put((String) k, cel(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(AdmissionPolicyEvaluator::cel).toList();
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    return v;
  }
}
