package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.extender.ExtenderHarness.Reply;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies that break the JSON reader's size and depth limits (deep nesting, a huge string, number
 * or key, even in a field the extender ignores) are malformed input: 400 naming the limit, on every
 * verb, and the server keeps serving.
 */
class StreamLimitsTest {
  private final ExtenderHarness extender =
      new ExtenderHarness(
          FakeBackend.withNodes("n1").withPod("default", "job-0"),
          ExtenderServerOptions.defaults()
              .withPort(0)
              .withBodyLimitBytes(8L * 1024 * 1024)
              .withShutdownGrace(Duration.ofSeconds(5)));

  @AfterEach
  void stop() {
    extender.close();
  }

  private static String filterWithIgnored(String ignoredValue) {
    return "{\"Pod\":{\"metadata\":{\"name\":\"job-0\",\"namespace\":\"default\"}},"
        + "\"NodeNames\":[\"n1\"],\"Ignored\":" + ignoredValue + "}";
  }

  /** A skipped string is never held, so the long string goes where bind reads it. */
  private static String bindWith(String kind, String ignoredValue) {
    if (kind.equals("string")) {
      return "{\"PodName\":" + ignoredValue + ",\"PodNamespace\":\"default\",\"Node\":\"n1\"}";
    }
    return "{\"PodName\":\"job-0\",\"PodNamespace\":\"default\",\"PodUID\":\"u\",\"Node\":\"n1\","
        + "\"Ignored\":" + ignoredValue + "}";
  }

  private static String value(String kind) {
    return switch (kind) {
      case "nesting" -> "[".repeat(1_500) + "]".repeat(1_500);
      case "string" -> "\"" + "x".repeat((1 << 20) + 1) + "\"";
      case "number" -> "1" + "0".repeat(1_200);
      case "key" -> "{\"" + "k".repeat(60_000) + "\":1}";
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nesting", "string", "number", "key"})
  void aBodyOverAReaderLimitGets400OnEveryVerb(String kind) {
    String v = value(kind);
    for (var call :
        new String[][] {
          {Routes.FILTER, filterWithIgnored(v)},
          {Routes.PRIORITIZE, filterWithIgnored(v)},
          {Routes.BIND, bindWith(kind, v)}
        }) {
      Reply reply = extender.post(call[0], call[1]);

      assertThat(reply.status()).as(call[0]).isEqualTo(400);
      assertThat(reply.json().get("error").asText())
          .as(call[0])
          .startsWith("malformed JSON")
          .contains(
              switch (kind) {
                case "nesting" -> "nesting depth";
                case "string" -> "String value length";
                case "number" -> "Number value length";
                default -> "Name length";
              });
    }
    extender.assertStillServing();
  }
}
