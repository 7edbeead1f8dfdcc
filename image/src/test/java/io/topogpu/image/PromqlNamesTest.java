package io.topogpu.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromqlNamesTest {
  @Test
  void namesAreWhatIsLeftAfterFunctionsLabelsRangesAndGroupingClauses() {
    assertThat(PromqlNames.of("histogram_quantile(0.99, sum by (le, verb) "
        + "(rate(topogpu_extender_requests_seconds_bucket{outcome=\"ok\",verb=~\"filter|bind\"}[$__rate_interval])))"))
        .containsExactly("topogpu_extender_requests_seconds_bucket");
    assertThat(PromqlNames.of("sum(rate(a_sum[5m])) / sum without (pod) (rate(a_count[5m:1m] offset 1h))"))
        .containsExactly("a_count", "a_sum");
    assertThat(PromqlNames.of("max by (instance) (time() - last_seen_seconds) > 120"))
        .containsExactly("last_seen_seconds");
    assertThat(PromqlNames.of("sum(x) by (node) / on (node) group_left (zone) y and z unless vector($timeout)"))
        .containsExactly("x", "y", "z");
    assertThat(PromqlNames.of("vector(${http_timeout_seconds})")).isEmpty();
    assertThat(PromqlNames.of("avg by (namespace, pod) (DCGM_FI_DEV_GPU_UTIL{pod!=\"\"})"))
        .containsExactly("DCGM_FI_DEV_GPU_UTIL");
    assertThat(PromqlNames.of("sum(1 - topogpu_agent_healthy) + 1e3")).containsExactly("topogpu_agent_healthy");
  }
}
