package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.extender.ExtenderHarness.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The benchmark floor: the same HTTP stack and codec, no decision. */
class NoopBackendTest {
  private final ExtenderHarness extender = new ExtenderHarness(new NoopBackend());

  @AfterEach
  void stop() {
    extender.close();
  }

  @Test
  void everyNodePassesWhicheverFormWasSent() {
    Reply names = extender.post(Routes.FILTER, WireRequests.pod("job-0").nodeNames("a", "b", "c"));
    Reply nodes = extender.post(Routes.FILTER, WireRequests.pod("job-0").nodes("a", "b"));

    assertThat(names.json().get("NodeNames"))
        .isEqualTo(ExtenderServerTest.json("[\"a\",\"b\",\"c\"]"));
    assertThat(names.json().get("FailedNodes")).isEmpty();
    assertThat(nodes.json().get("Nodes").get("items")).hasSize(2);
  }

  @Test
  void everyNodeScoresZero() {
    Reply reply = extender.post(Routes.PRIORITIZE, WireRequests.pod("job-0").nodeNames("a", "b"));

    assertThat(reply.json())
        .isEqualTo(
            ExtenderServerTest.json("[{\"Host\":\"a\",\"Score\":0},{\"Host\":\"b\",\"Score\":0}]"));
  }

  @Test
  void everyBindSucceedsAndItIsAlwaysReady() {
    Reply bind = extender.post(Routes.BIND, WireRequests.bind("any", "pod", "anywhere"));

    assertThat(bind.json().get("Error").asText()).isEmpty();
    assertThat(extender.get(Routes.READYZ).status()).isEqualTo(200);
  }
}
