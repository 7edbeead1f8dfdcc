package io.topogpu.e2e.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.topology.Keys;

/** The benchmark's pods: for the topogpu scheduler, whole GPUs, no annotations, as a Job's pod. */
final class BenchPods {
  static final String NAMESPACE = "default";
  static final String SCHEDULER_NAME = "topogpu";

  private BenchPods() {}

  static Pod pod(int index, PodMix mix) {
    return new PodBuilder().withNewMetadata().withName(String.format("bench-%05d", index))
        .withNamespace(NAMESPACE).addToLabels("app", "kubebench").endMetadata()
        .withNewSpec().withSchedulerName(SCHEDULER_NAME).withTerminationGracePeriodSeconds(0L)
        .addNewContainer().withName("train").withImage("busybox").withImagePullPolicy("Never")
        .withNewResources().addToLimits(Keys.RESOURCE_GPU, new Quantity(Integer.toString(mix.gpus(index))))
        .endResources().endContainer().endSpec().build();
  }
}
