package io.topogpu.scheduler.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.topology.Keys;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A seeded stream of training jobs, one pod each: whole-GPU pods of 1, 2, 4 and 8 GPUs and MIG
 * pods of the demo cluster's profiles, each with a lifetime counted in later submissions (the pod
 * finishes when that many more jobs have been submitted). Same seed, same stream.
 */
final class JobStream {
  static final String NAMESPACE = "demo";
  static final String SCHEDULER_NAME = "topogpu";

  /** A job: its pod, what it asks for, and after how many further submissions it ends. */
  record Job(int index, Pod pod, String request, int lifetime) {
    String key() {
      return NAMESPACE + "/" + pod.getMetadata().getName();
    }
  }

  /** Resource, count, relative weight: what the stream draws from. */
  private record Kind(String resource, int count, int weight) {}

  private static final List<Kind> KINDS =
      List.of(
          new Kind(Keys.RESOURCE_GPU, 1, 24),
          new Kind(Keys.RESOURCE_GPU, 2, 22),
          new Kind(Keys.RESOURCE_GPU, 4, 18),
          new Kind(Keys.RESOURCE_GPU, 8, 10),
          new Kind(Keys.RESOURCE_MIG_PREFIX + "1g.10gb", 1, 12),
          new Kind(Keys.RESOURCE_MIG_PREFIX + "2g.20gb", 1, 7),
          new Kind(Keys.RESOURCE_MIG_PREFIX + "3g.40gb", 1, 7));

  static final int MIN_LIFETIME = 40;
  static final int MAX_LIFETIME = 160;

  private final Random random;
  private final int totalWeight = KINDS.stream().mapToInt(Kind::weight).sum();
  private int next;

  JobStream(long seed) {
    this.random = new Random(seed);
  }

  Job next() {
    int draw = random.nextInt(totalWeight);
    Kind kind = KINDS.get(0);
    for (Kind k : KINDS) {
      if (draw < k.weight()) {
        kind = k;
        break;
      }
      draw -= k.weight();
    }
    int index = next++;
    String name = String.format("job-%03d", index);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NAMESPACE)
            .withUid(new UUID(random.nextLong(), random.nextLong()).toString())
            .endMetadata()
            .withNewSpec()
            .withSchedulerName(SCHEDULER_NAME)
            .addNewContainer()
            .withName("train")
            .withImage("registry.example/train:latest")
            .withNewResources()
            .addToLimits(kind.resource(), new Quantity(Integer.toString(kind.count())))
            .endResources()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    String request =
        kind.resource().equals(Keys.RESOURCE_GPU)
            ? kind.count() + (kind.count() == 1 ? " GPU" : " GPUs")
            : "MIG " + kind.resource().substring(Keys.RESOURCE_MIG_PREFIX.length());
    int lifetime = MIN_LIFETIME + random.nextInt(MAX_LIFETIME - MIN_LIFETIME + 1);
    return new Job(index, pod, request, lifetime);
  }
}
