package io.topogpu.scheduler.bind;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evicts through the API server: {@code DELETE} of the pod with its UID as precondition, so a pod
 * recreated under the same name is never hit (the API server answers 409). The pod's own grace
 * period applies; the kubelet stops it.
 */
public final class KubePodEvictor implements PodEvictor {
  private static final Logger log = LoggerFactory.getLogger(KubePodEvictor.class);

  private final KubernetesClient client;

  public KubePodEvictor(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public boolean evict(String namespace, String name, String uid, String why) {
    DeleteOptions options = new DeleteOptionsBuilder()
        .withNewPreconditions().withUid(uid.isEmpty() ? null : uid).endPreconditions().build();
    try {
      String answer = client.raw("/api/v1/namespaces/" + namespace + "/pods/" + name, "DELETE", options);
      if (answer == null) {
        log.info("pod {}/{} already gone, not evicted", namespace, name);
        return false;
      }
    } catch (KubernetesClientException e) {
      log.warn("evicting pod {}/{} (UID {}) failed (HTTP {}): {}", namespace, name, uid, e.getCode(),
          e.getMessage());
      return false;
    }
    log.warn("evicted pod {}/{} (UID {}): {}", namespace, name, uid, why);
    return true;
  }
}
