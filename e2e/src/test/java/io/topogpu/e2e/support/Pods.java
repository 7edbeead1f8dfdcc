package io.topogpu.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.topology.Keys;
import java.util.LinkedHashMap;
import java.util.Map;

/** Pods as users submit them to the topogpu scheduler: {@code Pods.named("a").gpus(2).build()}. */
public final class Pods {
  private final String name;
  private String namespace = "default";
  private String resource = Keys.RESOURCE_GPU;
  private long count = 1;
  private final Map<String, String> annotations = new LinkedHashMap<>();
  private final Map<String, String> labels = new LinkedHashMap<>();
  private Integer priority;

  private Pods(String name) {
    this.name = name;
  }

  public static Pods named(String name) {
    return new Pods(name);
  }

  public Pods namespace(String ns) {
    this.namespace = ns;
    return this;
  }

  public Pods gpus(int n) {
    this.resource = Keys.RESOURCE_GPU;
    this.count = n;
    return this;
  }

  public Pods mig(String profile) {
    this.resource = Keys.RESOURCE_MIG_PREFIX + profile;
    this.count = 1;
    return this;
  }

  public Pods milli(int milli) {
    this.resource = Keys.RESOURCE_GPU_MILLI;
    this.count = milli;
    return this;
  }

  public Pods annotation(String key, String value) {
    annotations.put(key, value);
    return this;
  }

  public Pods label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  public Pods priority(int p) {
    this.priority = p;
    return this;
  }

  /** A member of gang {@code gang} of {@code size} pods (topogpu's own annotations). */
  public Pods gang(String gang, int size) {
    return annotation(Keys.GANG, gang).annotation(Keys.GANG_SIZE, Integer.toString(size));
  }

  /**
   * The pod; when no annotation was asked for, it has no {@code metadata.annotations} at all, as a
   * Deployment's or a plain {@code kubectl run}'s pod.
   */
  public Pod build() {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .withAnnotations(annotations.isEmpty() ? null : annotations).withLabels(labels.isEmpty() ? null : labels)
        .endMetadata()
        .withNewSpec().withSchedulerName("topogpu").withTerminationGracePeriodSeconds(0L)
        .withPriority(priority)
        .addNewContainer().withName("train").withImage("busybox").withImagePullPolicy("Never")
        .withNewResources().addToLimits(resource, new Quantity(Long.toString(count))).endResources()
        .endContainer().endSpec();
    return b.build();
  }
}
