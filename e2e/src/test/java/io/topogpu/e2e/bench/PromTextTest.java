package io.topogpu.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PromTextTest {
  static final String EXTENDER = """
      # HELP topogpu_extender_requests_seconds Extender verb calls
      # TYPE topogpu_extender_requests_seconds summary
      topogpu_extender_requests_seconds_count{outcome="ok",verb="bind"} 3.0
      topogpu_extender_requests_seconds_sum{outcome="ok",verb="bind"} 0.3
      topogpu_extender_requests_seconds_count{outcome="error",verb="bind"} 1.0
      topogpu_extender_requests_seconds_sum{outcome="error",verb="bind"} 0.1
      topogpu_extender_requests_seconds_count{outcome="ok",verb="filter"} 4.0
      topogpu_extender_requests_seconds_sum{outcome="ok",verb="filter"} 0.02
      jvm_threads_live_threads 42.0
      """;

  @Test
  void extenderMeansAreOverAllOutcomes() {
    Map<String, Double> ms = new TreeMap<>();
    Map<String, Double> calls = new TreeMap<>();
    ExtenderLatency.read(PromText.parse(EXTENDER), ms, calls);
    // bind: (0.3 + 0.1) s over 4 calls = 100 ms; filter: 0.02 s over 4 calls = 5 ms.
    assertThat(ms.get("bind")).isCloseTo(100.0, within(1e-9));
    assertThat(ms.get("filter")).isCloseTo(5.0, within(1e-9));
    assertThat(calls).containsEntry("bind", 4.0).containsEntry("filter", 4.0);
  }

  @Test
  void apiRequestsOnPodsAreCountedBetweenScrapesByVerbAndSubresource() {
    PromText before = PromText.parse("""
        apiserver_request_total{code="200",resource="pods",subresource="",verb="GET",version="v1"} 10
        apiserver_request_total{code="201",resource="pods",subresource="binding",verb="POST",version="v1"} 5
        apiserver_request_total{code="200",resource="nodes",subresource="",verb="GET",version="v1"} 99
        """);
    PromText after = PromText.parse("""
        apiserver_request_total{code="200",resource="pods",subresource="",verb="GET",version="v1"} 30
        apiserver_request_total{code="404",resource="pods",subresource="",verb="GET",version="v1"} 2
        apiserver_request_total{code="201",resource="pods",subresource="binding",verb="POST",version="v1"} 15
        apiserver_request_total{code="200",resource="pods",subresource="",verb="PATCH",version="v1"} 10
        apiserver_request_total{code="200",resource="nodes",subresource="",verb="GET",version="v1"} 500
        """);
    assertThat(ApiRequests.callsBetween(before, after))
        .containsExactlyInAnyOrderEntriesOf(Map.of("GET pods", 22.0, "POST pods/binding", 10.0, "PATCH pods", 10.0));
  }
}
