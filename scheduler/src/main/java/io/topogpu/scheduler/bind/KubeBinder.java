package io.topogpu.scheduler.bind;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.topogpu.scheduler.ledger.GpusAnnotation;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.topology.Keys;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds through the API server.
 *
 * <p><b>A single pod ({@link #bind}): one request.</b> POST of the {@code pods/binding} subresource
 * whose {@code metadata} carries the pod's UID and the annotation {@code topogpu.io/gpus}. The
 * binding storage of kube-apiserver (v1.20: {@code pkg/registry/core/pod/storage/storage.go},
 * {@code BindingREST.Create} → {@code assignPod} → {@code setPodHostAndAnnotations}) sets {@code
 * spec.nodeName}, copies the Binding's annotations onto the pod (merged into the pod's own, so labels
 * and annotations others wrote meanwhile are kept) and sets {@code PodScheduled}, all in one {@code
 * GuaranteedUpdate} of the stored pod; it refuses a pod already bound ({@code spec.nodeName} not
 * empty) or being deleted with 409 Conflict, and a missing pod with 404. So the devices are recorded
 * in the very write that lets the kubelet start the pod, and there is no read-modify-write to race.
 * The UID: v1.20 passes no preconditions to that update (the Binding's {@code metadata.uid} is not
 * checked there; kube-scheduler's own binder sends it just the same); it is sent so that API servers
 * that do check it refuse a pod recreated under the same name, and the UID this bind is for is the
 * one the extender's informer saw. On a 409 the pod is read once: bound to this node with this very
 * annotation (kube-scheduler retrying a bind whose answer was lost) is success, anything else fails.
 *
 * <p><b>Gang members ({@link #prepare}, then {@link #commit}): three requests</b>, so that every
 * member's devices are recorded before any member is bound:
 *
 * <ol>
 *   <li>GET the pod: it must exist with the expected UID; if it is already bound to the node (with
 *       the annotation when devices are given), the bind is done and nothing is written
 *       (kube-scheduler retrying after a lost answer); bound elsewhere is a failure;
 *   <li>JSON patch of {@code topogpu.io/gpus}, guarded by a {@code test} of the {@code
 *       resourceVersion} just read: if anyone changed the pod in between, the patch fails (409/422)
 *       instead of overwriting;
 *   <li>POST the {@code pods/binding} subresource (the same one-write binding as above).
 * </ol>
 *
 * If the binding of a prepared member then fails, the annotation stays on a pending pod, where it is
 * ignored (only bound pods hold devices) and overwritten by the next bind.
 *
 * <p>{@link #undo} deletes a bound pod only when an ownerReference with {@code controller: true}
 * names the object that will recreate it (Job, JobSet, PyTorchJob, ...), with the pod's UID as
 * precondition so that a pod recreated under the same name is never hit.
 */
public final class KubeBinder implements Binder {
  private static final Logger log = LoggerFactory.getLogger(KubeBinder.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int HTTP_CONFLICT = 409;
  private static final String ANNOTATION_POINTER =
      "/metadata/annotations/" + Keys.GPUS.replace("~", "~0").replace("/", "~1");

  private final KubernetesClient client;

  public KubeBinder(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public Prepared prepare(BindTarget target) {
    Pod live = get(target);
    String boundTo = live.getSpec() == null ? null : live.getSpec().getNodeName();
    Map<String, String> annotations = live.getMetadata().getAnnotations();
    boolean annotated = annotations != null && annotations.containsKey(Keys.GPUS);
    if (boundTo != null && !boundTo.isEmpty()) {
      if (boundTo.equals(target.node()) && (annotated || target.assignment().isEmpty())) {
        return Prepared.ALREADY_BOUND;
      }
      throw new BindException("pod " + target.key() + " is already bound to node " + boundTo);
    }
    target.assignment().ifPresent(a -> annotate(target, live, a));
    return Prepared.READY;
  }

  @Override
  public void commit(BindTarget target) {
    bind(target);
  }

  @Override
  public void bind(BindTarget target) {
    KubernetesClientException refused;
    try {
      if (client.raw(bindingPath(target), "POST", binding(target)) != null) {
        return;
      }
      throw new BindException("binding pod " + target.key() + " to node " + target.node() + " failed: not found");
    } catch (KubernetesClientException e) {
      refused = e;
    }
    if (refused.getCode() == HTTP_CONFLICT && boundHere(get(target), target)) {
      log.debug("pod {} was already bound to {} with its devices: a retried bind", target.key(), target.node());
      return;
    }
    throw new BindException("binding pod " + target.key() + " to node " + target.node() + " failed (HTTP "
        + refused.getCode() + "): " + refused.getMessage(), refused);
  }

  /** Whether {@code live} is bound to the target's node and carries exactly the target's annotation. */
  static boolean boundHere(Pod live, BindTarget target) {
    if (live.getSpec() == null || !target.node().equals(live.getSpec().getNodeName())) {
      return false;
    }
    Map<String, String> annotations = live.getMetadata().getAnnotations();
    String recorded = annotations == null ? null : annotations.get(Keys.GPUS);
    return target.assignment().map(a -> GpusAnnotation.encode(a).equals(recorded)).orElse(true);
  }

  @Override
  public boolean undo(BindTarget target, String why) {
    Pod live;
    try {
      live = client.pods().inNamespace(target.namespace()).withName(target.name()).get();
    } catch (KubernetesClientException e) {
      log.warn("cannot undo the bind of {}: reading it failed: {}", target.key(), e.getMessage());
      return false;
    }
    if (live == null || (!target.uid().isEmpty() && !target.uid().equals(live.getMetadata().getUid()))
        || !controlled(live)) {
      return false;
    }
    String uid = live.getMetadata().getUid();
    DeleteOptions options = new DeleteOptionsBuilder().withNewPreconditions().withUid(uid).endPreconditions()
        .build();
    try {
      String answer = client.raw("/api/v1/namespaces/" + target.namespace() + "/pods/" + target.name(), "DELETE",
          options);
      if (answer == null) {
        return false;
      }
    } catch (KubernetesClientException e) {
      log.warn("cannot undo the bind of {}: deleting it failed (HTTP {}): {}", target.key(), e.getCode(),
          e.getMessage());
      return false;
    }
    log.warn("deleted pod {} (UID {}) so that its controller recreates it: {}", target.key(), uid, why);
    return true;
  }

  /** Whether an ownerReference with {@code controller: true} will recreate {@code pod}. */
  static boolean controlled(Pod pod) {
    return pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences().stream()
        .anyMatch(r -> Boolean.TRUE.equals(r.getController()));
  }

  private Pod get(BindTarget target) {
    Pod live;
    try {
      live = client.pods().inNamespace(target.namespace()).withName(target.name()).get();
    } catch (KubernetesClientException e) {
      throw new BindException("reading pod " + target.key() + " failed: " + e.getMessage(), e);
    }
    if (live == null) {
      throw new BindException("pod " + target.key() + " does not exist");
    }
    String uid = live.getMetadata().getUid();
    if (!target.uid().isEmpty() && uid != null && !target.uid().equals(uid)) {
      throw new BindException(
          "pod " + target.key() + " has UID " + uid + ", the bind is for UID " + target.uid());
    }
    return live;
  }

  private void annotate(BindTarget target, Pod live, Assignment a) {
    String ops =
        annotationPatch(
            live.getMetadata().getResourceVersion(), live.getMetadata().getAnnotations(), a);
    try {
      // On the pod just read, not withName(..): fabric8 fetches the item a named patch applies to,
      // which would be one more GET per bind; the patch's own test of resourceVersion is the guard.
      client
          .pods()
          .inNamespace(target.namespace())
          .resource(live)
          .patch(PatchContext.of(PatchType.JSON), ops);
    } catch (KubernetesClientException e) {
      throw new BindException(
          "writing " + Keys.GPUS + " on pod " + target.key() + " failed (HTTP " + e.getCode()
              + "): " + e.getMessage(),
          e);
    }
  }

  /**
   * The JSON patch (RFC 6902) that records {@code a} on a pod read at {@code resourceVersion}:
   * {@code test} of the version first, so the API server applies nothing if the pod changed since,
   * then {@code add} of the annotation (which replaces an existing value), or of the whole
   * annotations map when the pod has none.
   *
   * <p>"Has none" includes an empty map: the API server never stores an empty {@code annotations}
   * (it is omitted from the pod), while the fabric8 model hands one out for a pod without any, and
   * an {@code add} below a missing {@code /metadata/annotations} is refused with 422.
   */
  static String annotationPatch(
      String resourceVersion, Map<String, String> annotations, Assignment a) {
    boolean hasAnnotations = annotations != null && !annotations.isEmpty();
    ArrayNode ops = JSON.createArrayNode();
    ops.addObject()
        .put("op", "test")
        .put("path", "/metadata/resourceVersion")
        .put("value", resourceVersion);
    if (hasAnnotations) {
      ops.addObject()
          .put("op", "add")
          .put("path", ANNOTATION_POINTER)
          .put("value", GpusAnnotation.encode(a));
    } else {
      ops.addObject()
          .put("op", "add")
          .put("path", "/metadata/annotations")
          .putObject("value")
          .put(Keys.GPUS, GpusAnnotation.encode(a));
    }
    return ops.toString();
  }

  /**
   * The Binding posted for {@code target}: the pod's name, namespace and UID, the node, and the
   * annotation {@code topogpu.io/gpus} when devices are given (the API server merges it onto the pod).
   */
  static Binding binding(BindTarget target) {
    return new BindingBuilder()
        .withNewMetadata()
        .withName(target.name())
        .withNamespace(target.namespace())
        .withUid(target.uid().isEmpty() ? null : target.uid())
        .withAnnotations(target.assignment().map(a -> Map.of(Keys.GPUS, GpusAnnotation.encode(a))).orElse(null))
        .endMetadata()
        .withNewTarget()
        .withApiVersion("v1")
        .withKind("Node")
        .withName(target.node())
        .endTarget()
        .build();
  }

  private static String bindingPath(BindTarget target) {
    return "/api/v1/namespaces/" + target.namespace() + "/pods/" + target.name() + "/binding";
  }
}
