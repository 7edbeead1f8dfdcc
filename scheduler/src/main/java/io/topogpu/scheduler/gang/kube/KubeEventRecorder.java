package io.topogpu.scheduler.gang.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.topogpu.scheduler.gang.EventRecorder;
import java.time.InstantSource;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events on pods ({@code involvedObject} = the pod, {@code source.component} =
 * {@value #COMPONENT}), on {@code executor} so a slow API server never delays scheduling. A failed
 * write is logged and dropped.
 */
public final class KubeEventRecorder implements EventRecorder {
  private static final Logger log = LoggerFactory.getLogger(KubeEventRecorder.class);
  public static final String COMPONENT = "topogpu";

  private final KubernetesClient client;
  private final Executor executor;
  private final InstantSource clock;

  public KubeEventRecorder(KubernetesClient client, Executor executor, InstantSource clock) {
    this.client = client;
    this.executor = executor;
    this.clock = clock;
  }

  @Override
  public void record(String podKey, Type type, String reason, String message) {
    int slash = podKey.indexOf('/');
    String namespace = podKey.substring(0, slash);
    String pod = podKey.substring(slash + 1);
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant());
    Event event = new EventBuilder()
        .withNewMetadata().withNamespace(namespace)
        .withName(pod + "." + UUID.randomUUID().toString().substring(0, 8)).endMetadata()
        .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace(namespace).withName(pod)
        .endInvolvedObject()
        .withType(type.name()).withReason(reason).withMessage(message)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .build();
    executor.execute(() -> {
      try {
        client.v1().events().inNamespace(namespace).resource(event).create();
      } catch (KubernetesClientException e) {
        log.warn("event {} on pod {} not recorded: {}", reason, podKey, e.getMessage());
      }
    });
  }
}
