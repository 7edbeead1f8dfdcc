package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.topogpu.scheduler.extender.ExtenderHarness.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The extender verbs over HTTP, as kube-scheduler calls them (extender-protocol.md). */
class ExtenderServerTest {
  private static final NodeRejection BUSY =
      NodeRejection.resolvable(
          "InsufficientGpus", "topogpu: not enough free GPUs in one NVLink domain");
  private static final NodeRejection TOO_SMALL =
      NodeRejection.unresolvable(
          "TooFewGpus", "topogpu: node has fewer GPUs than the pod requests");

  private final FakeBackend backend =
      FakeBackend.withNodes("n1", "n2", "n3")
          .withPod("default", "job-0")
          .rejecting("n2", BUSY)
          .rejecting("n3", TOO_SMALL);
  private final ExtenderHarness extender = new ExtenderHarness(backend);

  @AfterEach
  void stop() {
    extender.close();
  }

  @Test
  void filterWithNodeNamesAnswersNodeNamesAndBothFailureMaps() {
    Reply reply =
        extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n1", "n2", "n3"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.json())
        .isEqualTo(
            json(
                """
{"NodeNames":["n1"],
 "FailedNodes":{"n2":"topogpu: not enough free GPUs in one NVLink domain"},
 "FailedAndUnresolvableNodes":{"n3":"topogpu: node has fewer GPUs than the pod requests"},
 "Error":""}"""));
  }

  @Test
  void filterWithFullNodesEchoesThePassingNodesAsNodes() {
    Reply reply = extender.post(Routes.FILTER, WireRequests.pod("job-0").nodes("n1", "n2", "n3"));

    JsonNode answer = reply.json();
    assertThat(reply.status()).isEqualTo(200);
    assertThat(answer.has("NodeNames")).isFalse();
    assertThat(answer.get("Nodes").get("items")).hasSize(1);
    JsonNode echoed = answer.get("Nodes").get("items").get(0);
    assertThat(echoed.get("metadata").get("name").asText()).isEqualTo("n1");
    assertThat(echoed.get("metadata").get("labels"))
        .isEqualTo(WireRequests.node("n1").get("metadata").get("labels"));
    assertThat(echoed.get("status").get("allocatable").get("nvidia.com/gpu").asText())
        .isEqualTo("8");
    assertThat(answer.get("FailedNodes").fieldNames()).toIterable().containsExactly("n2");
    assertThat(backend.filtered.get(0).fullNodes()).isPresent();
  }

  @Test
  void filterWithNoNodesAnswersAnEmptyList() {
    Reply reply = extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames());

    assertThat(reply.json().get("NodeNames")).isEmpty();
    assertThat(reply.json().get("Error").asText()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          lower case  | {"pod":{"metadata":{"name":"job-0"}},"nodes":null,"nodenames":["n1","n2"]}
          upper case  | {"POD":{"metadata":{"name":"job-0"}},"NODENAMES":["n1","n2"]}
          camel case  | {"pod":{"metadata":{"name":"job-0"}},"nodeNames":["n1","n2"]}
          """)
  void filterAcceptsKeysInAnyCase(String description, String body) {
    Reply reply = extender.post(Routes.FILTER, body);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("NodeNames")).isEqualTo(json("[\"n1\"]"));
  }

  @Test
  void aNodeNotInTheBackendsCacheIsRejectedAndTheOthersStillPass() {
    Reply reply =
        extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n1", "new-node"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("NodeNames")).isEqualTo(json("[\"n1\"]"));
    assertThat(reply.json().get("FailedNodes").get("new-node").asText())
        .isEqualTo(FakeBackend.NOT_IN_CACHE.message());
    extender.assertStillServing();
  }

  @Test
  void aFailureAboutThePodIsAnErrorWithHttp200() {
    backend.failingPodWith("gang job-0 has no size: set topogpu.io/gang-size");

    Reply reply = extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n1"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("Error").asText())
        .isEqualTo("gang job-0 has no size: set topogpu.io/gang-size");
    assertThat(reply.json().has("NodeNames")).isFalse();
  }

  @Test
  void aBackendExceptionIsAnErrorWithHttp200AndTheServerKeepsServing() {
    backend.throwing(new IllegalStateException("ledger corrupted"));

    Reply filter = extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n1"));
    Reply prioritize = extender.post(Routes.PRIORITIZE, WireRequests.pod("job-0").nodeNames("n1"));
    Reply bind = extender.post(Routes.BIND, WireRequests.bind("default", "job-0", "n1"));

    assertThat(filter.status()).isEqualTo(200);
    assertThat(filter.json().get("Error").asText()).contains("ledger corrupted");
    assertThat(prioritize.status()).isEqualTo(200);
    assertThat(prioritize.json()).isEmpty();
    assertThat(bind.status()).isEqualTo(200);
    assertThat(bind.json().get("Error").asText()).contains("ledger corrupted");
    assertThat(extender.get(Routes.HEALTHZ).status()).isEqualTo(200);
  }

  @Test
  void untilTheBackendIsReadyEveryVerbAnswersItsLogicalFailure() {
    backend.readiness(Readiness.notReady("ledger not rebuilt"));

    Reply filter = extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n1"));
    Reply prioritize = extender.post(Routes.PRIORITIZE, WireRequests.pod("job-0").nodeNames("n1"));
    Reply bind = extender.post(Routes.BIND, WireRequests.bind("default", "job-0", "n1"));

    assertThat(filter.status()).isEqualTo(200);
    assertThat(filter.json().get("Error").asText())
        .isEqualTo("topogpu extender not ready: ledger not rebuilt");
    assertThat(prioritize.json()).isEmpty();
    assertThat(bind.json().get("Error").asText())
        .isEqualTo("topogpu extender not ready: ledger not rebuilt");
    assertThat(backend.filtered).isEmpty();
    assertThat(backend.bound).isEmpty();
  }

  @Test
  void prioritizeAnswersABareArrayOfScoresFromZeroToTen() {
    backend.scoring("n1", 10).scoring("n2", 3);

    Reply reply =
        extender.post(Routes.PRIORITIZE, WireRequests.pod("job-0").nodeNames("n1", "n2", "n3"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json())
        .isEqualTo(
            json(
                """
                [{"Host":"n1","Score":10},{"Host":"n2","Score":3},{"Host":"n3","Score":0}]"""));
  }

  @Test
  void aScoreOutsideTheRangeNeverReachesTheWire() {
    backend.scoring("n1", 11);

    Reply reply = extender.post(Routes.PRIORITIZE, WireRequests.pod("job-0").nodeNames("n1"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json()).isEmpty();
  }

  @Test
  void bindAnswersAnEmptyErrorWhenBound() {
    Reply reply = extender.post(Routes.BIND, WireRequests.bind("default", "job-0", "n1"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json()).isEqualTo(json("{\"Error\":\"\"}"));
    assertThat(backend.bound)
        .containsExactly(new BindRequest("default", "job-0", "uid-job-0", "n1"));
  }

  @Test
  void bindOfAnUnknownPodIsAnErrorWithHttp200() {
    Reply reply = extender.post(Routes.BIND, WireRequests.bind("default", "ghost", "n1"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("Error").asText()).isEqualTo("unknown pod default/ghost");
    extender.assertStillServing();
  }

  @Test
  void bindToANodeNotInTheCacheIsAnErrorWithHttp200() {
    Reply reply = extender.post(Routes.BIND, WireRequests.bind("default", "job-0", "gone"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("Error").asText()).isEqualTo("node gone is not in the cache");
    extender.assertStillServing();
  }

  @Test
  void aBindWaitingForItsGangDoesNotHoldUpOtherRequests() {
    var held = backend.holdBinds();
    var waiting = new ArrayList<java.util.concurrent.CompletableFuture<Reply>>();
    int moreThanTheWorkerPool = ExtenderServerOptions.DEFAULT_WORKER_THREADS + 4;
    for (int i = 0; i < moreThanTheWorkerPool; i++) {
      waiting.add(
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> extender.post(Routes.BIND, WireRequests.bind("default", "job-0", "n1"))));
    }

    Reply filter = extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("n1"));
    held.complete(BindResponse.bound());
    List<Reply> binds = waiting.stream().map(java.util.concurrent.CompletableFuture::join).toList();

    assertThat(filter.status()).isEqualTo(200);
    assertThat(binds).allSatisfy(bind -> assertThat(bind.json().get("Error").asText()).isEmpty());
  }

  static JsonNode json(String text) {
    return new ExtenderHarness.Reply(200, text, "application/json").json();
  }
}
