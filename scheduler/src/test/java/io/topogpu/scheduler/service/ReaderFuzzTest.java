package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.config.PolicyException;
import io.topogpu.scheduler.config.PolicyLoader;
import io.topogpu.scheduler.ledger.GpusAnnotation;
import io.topogpu.scheduler.ledger.GpusAnnotationException;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GangPlan;
import io.topogpu.topology.annotation.AnnotationException;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.shapes.Shapes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the readers of what users and other tools write: the {@code topogpu.io/topology} and
 * {@code topogpu.io/gpus} annotations and the policy file. Valid values are mutated byte by byte
 * (flip, cut, insert a token); every outcome must be a decoded value or the reader's own
 * exception with a message, never another exception. Bounded: {@value #CASES} cases per reader
 * from a fixed seed; {@code -Dtopogpu.fuzz.cases} scales them with the wire fuzz.
 */
class ReaderFuzzTest {
  static final int CASES = 2_000;
  private static final String[] TOKENS = {
    "\"", "{", "}", "[", "]", ",", ":", "null", "-1", "1e999", "9223372036854775808", "true",
    "\"\"", "\n", "\t", "#", "- ", "!!", "&a", "*a", "~", "0.5", "\\u0000"};

  private final Random random = new Random(Long.getLong("topogpu.fuzz.seed", WireFuzzTest.DEFAULT_SEED));

  private int cases() {
    return CASES * Integer.getInteger("topogpu.fuzz.cases", WireFuzzTest.DEFAULT_CASES)
        / WireFuzzTest.DEFAULT_CASES;
  }

  private String mutate(String valid) {
    StringBuilder s = new StringBuilder(valid);
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n && s.length() > 0; i++) {
      int at = random.nextInt(s.length());
      switch (random.nextInt(4)) {
        case 0 -> s.setLength(at);
        case 1 -> s.setCharAt(at, (char) (32 + random.nextInt(95)));
        case 2 -> s.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        default -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(8)));
      }
    }
    return s.toString();
  }

  /** Runs {@code reader} on mutants of {@code valid}; counts outcomes; fails on a foreign exception. */
  private Map<String, Integer> fuzz(String valid, Function<String, Object> reader,
      Class<? extends RuntimeException> documented) {
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < cases(); i++) {
      String input = mutate(valid);
      try {
        reader.apply(input);
        outcomes.merge("decoded", 1, Integer::sum);
      } catch (RuntimeException e) {
        assertThat(e).as("input %s", input).isInstanceOf(documented);
        assertThat(e.getMessage()).as("input %s", input).isNotBlank();
        outcomes.merge("refused", 1, Integer::sum);
      }
    }
    return outcomes;
  }

  @Test
  void topologyAnnotation() {
    String valid = TopologyCodec.encode(Shapes.load("hgx-h100-8gpu-nv18-pix-nics"));
    Map<String, Integer> o = fuzz(valid, TopologyCodec::decode, AnnotationException.class);
    System.out.println("reader fuzz topogpu.io/topology: " + o);
    assertThat(o.get("refused")).isPositive();
  }

  @Test
  void gpusAnnotation() {
    String valid = GpusAnnotation.encode(new Assignment("dgx", List.of(0, 1), List.of("GPU-a", "GPU-b"),
        List.of(), 0, Optional.of(new GangPlan("llm", 2, Map.of("llm-0", "dgx", "llm-1", "dgx-2")))));
    Map<String, Integer> o = fuzz(valid, GpusAnnotation::decode, GpusAnnotationException.class);
    System.out.println("reader fuzz topogpu.io/gpus: " + o);
    assertThat(o.get("refused")).isPositive();
  }

  @Test
  void policyFile() throws Exception {
    Path repo = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(repo.resolve("config"))) {
      repo = repo.getParent();
    }
    String valid = Files.readString(repo.resolve("config/policy.yaml"));
    Map<String, Integer> o = fuzz(valid, y -> {
      PolicyLoader.load("policy.yaml", y);
      return PolicyLoader.loadGangs("policy.yaml", y);
    }, PolicyException.class);
    System.out.println("reader fuzz policy.yaml: " + o);
    assertThat(o.get("refused")).isPositive();
  }
}
