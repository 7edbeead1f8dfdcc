package io.topogpu.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.testing.MakePod;
import org.junit.jupiter.api.Test;

class RequestedPodsTest {

  @Test
  void keepsTheMostRecentlyFilteredPodsPendingAndBounded() {
    RequestedPods pods = new RequestedPods();
    for (int i = 0; i < RequestedPods.MAX_PODS + 3_000; i++) {
      pods.remember(MakePod.named("p-" + i).gpus(1).on("dgx").obj());
    }

    assertThat(pods.size()).isEqualTo(RequestedPods.MAX_PODS);
    assertThat(pods.get("default/p-0")).isEmpty();
    var newest = pods.get("default/p-" + (RequestedPods.MAX_PODS + 2_999)).orElseThrow();
    assertThat(newest.nodeName()).isEmpty();
    assertThat(newest.holdsGpus()).isFalse();
  }
}
