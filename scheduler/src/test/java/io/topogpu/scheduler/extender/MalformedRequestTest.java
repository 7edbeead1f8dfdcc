package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.extender.ExtenderHarness.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad requests get the documented answer (400 or 413 with {@code {"error": ...}} naming the
 * problem) and the server goes on serving: every case is followed by a good request that must
 * succeed.
 */
class MalformedRequestTest {
  private final ExtenderHarness extender =
      new ExtenderHarness(FakeBackend.withNodes("n1").withPod("default", "job-0"));

  @AfterEach
  void stop() {
    extender.close();
  }

  @ParameterizedTest(name = "{0} to {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
malformed JSON           | /scheduler/filter     | {"Pod": {"metadata": }                                  | malformed JSON at line 1, column 22
truncated JSON           | /scheduler/prioritize | {"Pod": {"metadata": {"name": "p"}}, "NodeNames": ["n1" | malformed JSON
not an object            | /scheduler/filter     | [1, 2, 3]                                               | request body:
NodeNames of wrong type  | /scheduler/filter     | {"Pod": {"metadata": {"name": "p"}}, "NodeNames": "n1"}  | NodeNames:
Pod of wrong type        | /scheduler/prioritize | {"Pod": "job-0", "NodeNames": []}                       | Pod:
missing Pod              | /scheduler/filter     | {"NodeNames": ["n1"]}                                   | Pod: required
missing node list        | /scheduler/prioritize | {"Pod": {"metadata": {"name": "p"}}}                    | Nodes or NodeNames: one of them is required
PodName of wrong type    | /scheduler/bind       | {"PodName": 5, "PodNamespace": "default", "Node": "n1"} | PodName:
missing bind target      | /scheduler/bind       | {"PodName": "job-0", "PodNamespace": "default"}         | Node: required
""")
  void aMalformedBodyGets400WithTheFieldAndTheServerKeepsServing(
      String description, String path, String body, String expectedError) {
    Reply reply = extender.post(path, body);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.json().get("error").asText()).startsWith(expectedError);
    extender.assertStillServing();
  }

  @Test
  void anEmptyBodyGets400() {
    Reply reply = extender.post(Routes.BIND, "");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).startsWith("request body: No content");
    extender.assertStillServing();
  }

  @Test
  void aBodyOverTheLimitGets413WithJsonAndTheServerKeepsServing() {
    String names =
        "\"node-with-a-long-name-0000\",".repeat((int) (ExtenderHarness.TEST_BODY_LIMIT / 20));
    String body = "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[" + names + "\"n1\"]}";

    Reply reply = extender.post(Routes.FILTER, body);

    assertThat(body.length()).isGreaterThan((int) ExtenderHarness.TEST_BODY_LIMIT);
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.json().get("error").asText())
        .isEqualTo(
            "request body exceeds the limit of " + ExtenderHarness.TEST_BODY_LIMIT + " bytes");
    extender.assertStillServing();
  }

  @Test
  void aBodyJustUnderTheLimitIsServed() {
    String names = "\"n1\",".repeat((int) (ExtenderHarness.TEST_BODY_LIMIT / 5) - 20);
    String body = "{\"Pod\":{\"metadata\":{\"name\":\"p\"}},\"NodeNames\":[" + names + "\"n1\"]}";

    Reply reply = extender.post(Routes.FILTER, body);

    assertThat(body.length()).isLessThanOrEqualTo((int) ExtenderHarness.TEST_BODY_LIMIT);
    assertThat(reply.status()).isEqualTo(200);
  }

  @Test
  void aWrongMethodGets405WithJson() {
    Reply reply = extender.get(Routes.FILTER);

    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.json().get("error").asText())
        .isEqualTo("Method Not Allowed: GET /scheduler/filter");
    extender.assertStillServing();
  }

  @Test
  void anUnknownVerbGets404WithJson() {
    Reply reply = extender.post("/scheduler/evict", WireRequests.pod("job-0").nodeNames("n1"));

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("error").asText()).isEqualTo("Not Found: POST /scheduler/evict");
    extender.assertStillServing();
  }
}
