package io.topogpu.nodeagent.plugin;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts every decision in {@code topogpu_agent_device_decisions_total{call,resource,outcome}} and,
 * for a {@code fallback} or {@code mismatch}, posts a Warning Event on the pod (reason {@value
 * #REASON}) from a background thread, so the kubelet's call never waits for the API server.
 */
public final class KubeAllocationListener implements AllocationListener {
  public static final String REASON = "TopogpuDevicesNotAsScheduled";
  public static final String METRIC = "topogpu_agent_device_decisions";
  private static final Logger LOG = LoggerFactory.getLogger(KubeAllocationListener.class);

  private final KubernetesClient client;
  private final MeterRegistry registry;
  private final String node;
  private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "topogpu-agent-events");
    t.setDaemon(true);
    return t;
  });

  public KubeAllocationListener(KubernetesClient client, MeterRegistry registry, String node) {
    this.client = client;
    this.registry = registry;
    this.node = node;
  }

  @Override
  public void decided(String call, String resource, String outcome, PendingPod pod, List<String> chosen, List<String> given) {
    Counter.builder(METRIC).tag("call", call).tag("resource", resource).tag("outcome", outcome)
        .description("device-plugin decisions by outcome").register(registry).increment();
    LOG.info("device decision {} {} {} {} {} {}", kv("call", call), kv("resource", resource), kv("outcome", outcome),
        kv("pod", pod == null ? "" : pod.key()), kv("chosen", abbreviate(chosen)), kv("given", abbreviate(given)));
    if (pod == null || !(outcome.equals(FALLBACK) || outcome.equals(MISMATCH))) {
      return;
    }
    String message = (call.equals("allocate") ? "kubelet allocated " : "scheduled devices unavailable, preferring ")
        + given.size() + " " + resource + " " + abbreviate(given) + " instead of " + abbreviate(chosen);
    LOG.warn("devices not as scheduled {} {} {}", kv("pod", pod.key()), kv("call", call), kv("message", message));
    events.execute(() -> post(pod, message));
  }

  private void post(PendingPod pod, String message) {
    try {
      String now = Instant.now().toString();
      client.v1().events().inNamespace(pod.namespace()).resource(new EventBuilder()
          .withNewMetadata().withGenerateName(pod.name() + ".").withNamespace(pod.namespace()).endMetadata()
          .withNewInvolvedObject().withKind("Pod").withApiVersion("v1").withNamespace(pod.namespace())
          .withName(pod.name()).withUid(pod.uid()).endInvolvedObject()
          .withType("Warning").withReason(REASON).withMessage(message)
          .withNewSource().withComponent("topogpu-agent").withHost(node).endSource()
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .build()).create();
    } catch (RuntimeException e) {
      LOG.warn("cannot post event {} {}", kv("pod", pod.key()), kv("error", String.valueOf(e.getMessage())));
    }
  }

  private static String abbreviate(List<String> ids) {
    return ids.size() <= 8 ? ids.toString() : ids.subList(0, 8) + "... (" + ids.size() + ")";
  }
}
