package io.topogpu.scheduler.service;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.topogpu.scheduler.driver.KubeSchedulerDriver;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.gang.GangSettings;
import io.topogpu.scheduler.gang.kube.KubeEventRecorder;
import io.topogpu.scheduler.gang.kube.KubePodGroupSizes;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.InformerSource;
import io.topogpu.scheduler.tiers.TierConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The extender as deployed with gangs on, against the mock API server: informers, PodGroup
 * informers for both CRDs, Events written through the API, the gang timer, the HTTP server on a
 * loopback port, and a {@link KubeSchedulerDriver} whose binds run asynchronously as
 * kube-scheduler's binding cycles do.
 */
final class GangExtender implements AutoCloseable {
  /** Short enough for tests that wait out a timeout; far below any real httpTimeout. */
  static final GangSettings SETTINGS =
      new GangSettings(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofMinutes(10));

  final Placer placer = new Placer(Policy.defaults());
  final ClusterState state = new ClusterState(placer::attribute);
  final InformerSource source;
  final KubePodGroupSizes schedulerPlugins;
  final KubePodGroupSizes volcano;
  final GangService gangs;
  final ExtenderMetrics metrics = new ExtenderMetrics();
  final ExtenderServer server;
  final KubeSchedulerDriver driver;
  private final ExecutorService binders = Executors.newCachedThreadPool();
  private final ExecutorService eventWriter = Executors.newSingleThreadExecutor();

  GangExtender(KubernetesClient client, long seed) {
    source = new InformerSource(client, Duration.ofMinutes(10));
    schedulerPlugins = KubePodGroupSizes.start(client, KubePodGroupSizes.SCHEDULER_PLUGINS, Duration.ofMinutes(10));
    volcano = KubePodGroupSizes.start(client, KubePodGroupSizes.VOLCANO, Duration.ofMinutes(10));
    gangs = GangService.start(state, source.binder(), new GangService.Setup(placer, TierConfig.defaults(),
        new GangIdentities(schedulerPlugins, volcano), SETTINGS,
        new KubeEventRecorder(client, eventWriter, Clock.systemUTC()), metrics.registry(), Clock.systemUTC(),
        Duration.ofMillis(100)));
    server = ExtenderServer.start(
        new TopogpuBackend(state, placer, source.binder(), gangs.hook(), TopogpuBackend.PodDiscovery.FROM_SOURCE),
        ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(5)),
        metrics);
    driver = KubeSchedulerDriver.onLoopback(server.port(), seed);
  }

  static GangExtender synced(KubernetesClient client, long seed) {
    GangExtender e = new GangExtender(client, seed);
    e.source.start(e.state);
    MockApi.await(() -> e.state.readiness().ready(), "cluster state ready");
    // Synced, or found absent by discovery (a mock that serves no discovery): either way lookups are final.
    MockApi.await(() -> (e.schedulerPlugins.synced() || e.schedulerPlugins.absent())
        && (e.volcano.synced() || e.volcano.absent()), "PodGroup informers synced or absent");
    return e;
  }

  /** kube-scheduler's order for {@code pods}, once each is in the extender's cache; binds asynchronous. */
  List<CompletableFuture<Outcome>> scheduleAll(List<Pod> pods, List<String> nodes) {
    for (Pod p : pods) {
      String key = p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
      MockApi.await(() -> state.pod(key).isPresent(), "pod " + key + " in the extender's cache");
    }
    return driver.scheduleAll(pods, nodes, binders);
  }

  /** Every outcome, waiting for the binds. */
  static List<Outcome> join(List<CompletableFuture<Outcome>> outcomes) {
    return outcomes.stream().map(CompletableFuture::join).toList();
  }

  @Override
  public void close() {
    server.close();
    gangs.close();
    source.close();
    schedulerPlugins.close();
    volcano.close();
    binders.shutdownNow();
    eventWriter.shutdown();
  }
}
