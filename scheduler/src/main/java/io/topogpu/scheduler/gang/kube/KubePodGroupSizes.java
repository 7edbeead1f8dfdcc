package io.topogpu.scheduler.gang.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.topogpu.scheduler.gang.PodGroupSizes;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PodGroupSizes} from an informer on a PodGroup custom resource, read as {@link
 * GenericKubernetesResource} (no generated model classes): the size of PodGroup {@code ns/name} is
 * its {@code spec.minMember}. Lookups read the informer's store and never block.
 *
 * <p>When the CRD is not installed the informer's first list fails: that is logged once, the
 * informer is stopped and every lookup answers empty, so pods naming such a PodGroup get the
 * "gang size unknown" event rather than a guess.
 */
public final class KubePodGroupSizes implements PodGroupSizes, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubePodGroupSizes.class);

  /** scheduler-plugins coscheduling: {@code scheduling.x-k8s.io/v1alpha1} PodGroup. */
  public static final ResourceDefinitionContext SCHEDULER_PLUGINS = podGroup("scheduling.x-k8s.io", "v1alpha1");
  /** Volcano: {@code scheduling.volcano.sh/v1beta1} PodGroup. */
  public static final ResourceDefinitionContext VOLCANO = podGroup("scheduling.volcano.sh", "v1beta1");

  private final ResourceDefinitionContext crd;
  private final SharedIndexInformer<GenericKubernetesResource> informer;
  private final AtomicBoolean absent = new AtomicBoolean();

  private KubePodGroupSizes(KubernetesClient client, ResourceDefinitionContext crd, Duration resync) {
    this.crd = crd;
    this.informer = client.genericKubernetesResources(crd).inAnyNamespace().runnableInformer(resync.toMillis());
  }

  /** Starts watching {@code crd}'s PodGroups in every namespace; returns at once. */
  public static KubePodGroupSizes start(KubernetesClient client, ResourceDefinitionContext crd, Duration resync) {
    KubePodGroupSizes sizes = new KubePodGroupSizes(client, crd, resync);
    sizes.informer.start().whenComplete((ok, failure) -> {
      if (failure != null && sizes.absent.compareAndSet(false, true)) {
        log.info("PodGroup {}/{} not available ({}); gangs naming such PodGroups need {}",
            crd.getGroup(), crd.getVersion(), failure.getMessage(), io.topogpu.topology.Keys.GANG_SIZE);
        sizes.informer.stop();
      }
    });
    return sizes;
  }

  /**
   * True once the first list failed (the CRD is not installed, or not readable): every lookup is
   * then empty until the extender restarts.
   */
  public boolean absent() {
    return absent.get();
  }

  /** True once the informer has listed the PodGroups (false while starting, and when the CRD is absent). */
  public boolean synced() {
    return !absent.get() && informer.hasSynced();
  }

  @Override
  public Optional<Integer> size(String namespace, String name) {
    if (absent.get()) {
      return Optional.empty();
    }
    GenericKubernetesResource group = informer.getStore().getByKey(namespace + "/" + name);
    return group == null ? Optional.empty() : minMember(group);
  }

  /** {@code spec.minMember} when it is an integer; empty otherwise. */
  static Optional<Integer> minMember(GenericKubernetesResource group) {
    Object spec = group.getAdditionalProperties().get("spec");
    if (!(spec instanceof Map<?, ?> m) || !(m.get("minMember") instanceof Number n)) {
      return Optional.empty();
    }
    return Optional.of(n.intValue());
  }

  @Override
  public void close() {
    informer.stop();
  }

  private static ResourceDefinitionContext podGroup(String group, String version) {
    return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind("PodGroup")
        .withPlural("podgroups").withNamespaced(true).build();
  }

  @Override
  public String toString() {
    return "PodGroups " + crd.getGroup() + "/" + crd.getVersion();
  }
}
