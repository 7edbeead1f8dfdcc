package io.topogpu.scheduler.gang.kube;

import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
 * <p>Discovery is asked first: when the API server does not serve the CRD's group and version (not
 * installed, or not readable), one INFO line says so, no informer is started, and every lookup
 * answers empty, so pods naming such a PodGroup get the "gang size unknown" event rather than a
 * guess. If the first list fails even so (the CRD removed in between), the same happens then.
 */
public final class KubePodGroupSizes implements PodGroupSizes, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubePodGroupSizes.class);

  /** scheduler-plugins coscheduling: {@code scheduling.x-k8s.io/v1alpha1} PodGroup. */
  public static final ResourceDefinitionContext SCHEDULER_PLUGINS = podGroup("scheduling.x-k8s.io", "v1alpha1");
  /** Volcano: {@code scheduling.volcano.sh/v1beta1} PodGroup. */
  public static final ResourceDefinitionContext VOLCANO = podGroup("scheduling.volcano.sh", "v1beta1");

  private final ResourceDefinitionContext crd;
  /** Null when discovery found the CRD absent. */
  private final SharedIndexInformer<GenericKubernetesResource> informer;
  private final AtomicBoolean absent = new AtomicBoolean();

  private KubePodGroupSizes(ResourceDefinitionContext crd, SharedIndexInformer<GenericKubernetesResource> informer) {
    this.crd = crd;
    this.informer = informer;
    absent.set(informer == null);
  }

  /**
   * Starts watching {@code crd}'s PodGroups in every namespace when discovery shows the API server
   * serves them; returns at once (discovery is one GET).
   */
  public static KubePodGroupSizes start(KubernetesClient client, ResourceDefinitionContext crd, Duration resync) {
    Optional<String> missing = missing(client, crd);
    if (missing.isPresent()) {
      logAbsent(crd, missing.get());
      return new KubePodGroupSizes(crd, null);
    }
    KubePodGroupSizes sizes = new KubePodGroupSizes(crd,
        client.genericKubernetesResources(crd).inAnyNamespace().runnableInformer(resync.toMillis()));
    sizes.informer.start().whenComplete((ok, failure) -> {
      if (failure != null && sizes.absent.compareAndSet(false, true)) {
        logAbsent(crd, failure.getMessage());
        sizes.informer.stop();
      }
    });
    return sizes;
  }

  /** Why {@code crd}'s PodGroups cannot be listed, according to discovery; empty when they can. */
  private static Optional<String> missing(KubernetesClient client, ResourceDefinitionContext crd) {
    String groupVersion = crd.getGroup() + "/" + crd.getVersion();
    APIResourceList resources;
    try {
      resources = client.getApiResources(groupVersion);
    } catch (KubernetesClientException e) {
      return Optional.of("discovery of " + groupVersion + " failed (HTTP " + e.getCode() + ")");
    }
    if (resources == null) {
      return Optional.of(groupVersion + " is not served (CRD not installed)");
    }
    boolean served = resources.getResources().stream().anyMatch(r -> crd.getPlural().equals(r.getName()));
    return served ? Optional.empty() : Optional.of(groupVersion + " serves no " + crd.getPlural());
  }

  private static void logAbsent(ResourceDefinitionContext crd, String why) {
    log.info("PodGroup {}/{} not available ({}); gangs naming such PodGroups need {}",
        crd.getGroup(), crd.getVersion(), why, io.topogpu.topology.Keys.GANG_SIZE);
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
    return !absent.get() && informer != null && informer.hasSynced();
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
    if (informer != null) {
      informer.stop();
    }
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
