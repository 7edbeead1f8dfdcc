package io.topogpu.nodeagent.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;

/**
 * {@link NodeAnnotations} through fabric8: GET of the node, JSON merge patch of its annotations
 * (built by Jackson; a {@code null} value removes a key). Requests are paced by a {@link
 * RequestPacer}. Transient: network failures (no HTTP code), 409, 429 and 5xx; everything else
 * (403 forbidden by RBAC or the admission policy, 404 no such node, 422) is not retried.
 */
public final class Fabric8NodeAnnotations implements NodeAnnotations {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String nodeName;
  private final RequestPacer pacer;

  public Fabric8NodeAnnotations(KubernetesClient client, String nodeName, RequestPacer pacer) {
    this.client = client;
    this.nodeName = nodeName;
    this.pacer = pacer;
  }

  @Override
  public Map<String, String> read() {
    pacer.acquire();
    Node node = client.nodes().withName(nodeName).get();
    if (node == null) {
      throw new KubernetesClientException("node " + nodeName + " not found", 404, null);
    }
    Map<String, String> annotations = node.getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  @Override
  public void merge(Map<String, String> changes) {
    String patch;
    try {
      patch = JSON.writeValueAsString(Map.of("metadata", Map.of("annotations", changes)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serialises", e);
    }
    pacer.acquire();
    client.nodes().withName(nodeName).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  @Override
  public boolean isTransient(RuntimeException failure) {
    if (!(failure instanceof KubernetesClientException e)) {
      return false;
    }
    int code = e.getCode();
    return code == 0 || code == 409 || code == 429 || code >= 500;
  }
}
