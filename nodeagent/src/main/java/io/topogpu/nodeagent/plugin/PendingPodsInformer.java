package io.topogpu.nodeagent.plugin;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods bound to this node, watched with a field selector on {@code spec.nodeName} so the agent sees
 * (and may see) only its own node's pods; answers the current {@link PendingPod}s from the cache.
 */
public final class PendingPodsInformer implements Supplier<Collection<PendingPod>>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PendingPodsInformer.class);
  private final SharedIndexInformer<Pod> informer;
  private final String node;
  private final Predicate<String> owned;

  public PendingPodsInformer(KubernetesClient client, String node, Predicate<String> owned) {
    this.node = node;
    this.owned = owned;
    this.informer = client.pods().inAnyNamespace().withField("spec.nodeName", node).inform();
  }

  @Override
  public Collection<PendingPod> get() {
    List<PendingPod> out = new java.util.ArrayList<>();
    for (Pod p : informer.getStore().list()) {
      PodViews.of(p, node, owned, (pod, problem) -> LOG.warn("ignoring pod {} {}",
          kv("pod", pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName()), kv("problem", problem)))
          .ifPresent(out::add);
    }
    return out;
  }

  /** Every pod the informer holds: this node's pods, as last seen. */
  public List<Pod> pods() {
    return informer.getStore().list();
  }

  @Override
  public void close() {
    informer.close();
  }
}
