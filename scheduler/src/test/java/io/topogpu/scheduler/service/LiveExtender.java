package io.topogpu.scheduler.service;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.topogpu.scheduler.driver.KubeSchedulerDriver;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.InformerSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The extender as deployed, against an API server: informers into a {@link ClusterState}, the
 * placement backend binding through the API, the HTTP server on a loopback port, and a {@link
 * KubeSchedulerDriver} to call it. The server starts at construction; {@link #sync} starts the
 * informers and waits until the ledger is rebuilt.
 */
final class LiveExtender implements AutoCloseable {
  final Placer placer = new Placer(Policy.defaults());
  final ClusterState state = new ClusterState(placer::attribute);
  final InformerSource source;
  final ExtenderServer server;
  final KubeSchedulerDriver driver;
  private final HttpClient http = HttpClient.newHttpClient();

  LiveExtender(KubernetesClient client, long seed) {
    source = new InformerSource(client, Duration.ofMinutes(10));
    server = ExtenderServer.start(
        new TopogpuBackend(state, placer, source.binder(), GangHook.NONE, TopogpuBackend.PodDiscovery.FROM_SOURCE),
        ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(5)),
        new ExtenderMetrics());
    driver = KubeSchedulerDriver.onLoopback(server.port(), seed);
  }

  static LiveExtender synced(KubernetesClient client, long seed) {
    LiveExtender e = new LiveExtender(client, seed);
    e.sync();
    return e;
  }

  LiveExtender sync() {
    source.start(state);
    MockApi.await(() -> state.readiness().ready(), "cluster state ready");
    return this;
  }

  /** kube-scheduler sees a pod only once its informer has it; so does this. */
  Outcome schedule(Pod pod, List<String> nodes) {
    String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    MockApi.await(() -> state.pod(key).isPresent(), "pod " + key + " in the extender's cache");
    return driver.schedule(pod, nodes);
  }

  int readyzStatus() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/readyz")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      throw new AssertionError("GET /readyz failed", e);
    }
  }

  @Override
  public void close() {
    server.close();
    source.close();
  }
}
