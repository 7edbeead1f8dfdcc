package io.topogpu.nodeagent.plugin;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods bound to this node, watched with a field selector on {@code spec.nodeName} so the agent sees
 * (and may see) only its own node's pods; answers the current {@link PendingPod}s from the cache.
 */
public final class PendingPodsInformer implements PendingPods, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PendingPodsInformer.class);
  private final KubernetesClient client;
  private final SharedIndexInformer<Pod> informer;
  private final String node;
  private final Predicate<String> owned;

  public PendingPodsInformer(KubernetesClient client, String node, Predicate<String> owned) {
    this.client = client;
    this.node = node;
    this.owned = owned;
    this.informer = client.pods().inAnyNamespace().withField("spec.nodeName", node).inform();
  }

  @Override
  public Collection<PendingPod> cached() {
    return views(informer.getStore().list());
  }

  /** One LIST of this node's pods, served by the API server from its current state. */
  @Override
  public Collection<PendingPod> fresh() {
    try {
      return views(client.pods().inAnyNamespace().withField("spec.nodeName", node).list().getItems());
    } catch (RuntimeException e) {
      LOG.warn("cannot list this node's pods, matching on the watch cache {}", kv("error", String.valueOf(e.getMessage())));
      return cached();
    }
  }

  private Collection<PendingPod> views(List<Pod> pods) {
    List<PendingPod> out = new java.util.ArrayList<>();
    for (Pod p : pods) {
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
