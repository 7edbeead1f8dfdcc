package io.topogpu.scheduler.service;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.topogpu.scheduler.bind.Binder;
import io.topogpu.scheduler.config.GangConfig;
import io.topogpu.scheduler.gang.EventRecorder;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.gang.PodGroupSizes;
import io.topogpu.scheduler.gang.kube.KubeEventRecorder;
import io.topogpu.scheduler.gang.kube.KubePodGroupSizes;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.InformerSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gang wiring of {@code topogpu extender}: against an API server, PodGroup informers for
 * scheduler-plugins and Volcano and Events written on the members; with a snapshot, no PodGroups
 * (pods must carry their size) and events logged. Closes what it started.
 */
final class Gangs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Gangs.class);

  private final GangService service;
  private final List<AutoCloseable> closers;
  private final EventRecorder events;

  private Gangs(GangService service, List<AutoCloseable> closers, EventRecorder events) {
    this.service = service;
    this.closers = closers;
    this.events = events;
  }

  static Gangs start(Optional<KubernetesClient> client, ClusterState state, Placer placer, Binder binder,
      GangConfig config, ExtenderMetrics metrics) {
    List<AutoCloseable> closers = new ArrayList<>();
    PodGroupSizes schedulerPlugins = PodGroupSizes.NONE;
    PodGroupSizes volcano = PodGroupSizes.NONE;
    EventRecorder events = (pod, type, reason, message) -> log.info("event {} {} on {}: {}", type, reason, pod,
        message);
    if (client.isPresent()) {
      KubePodGroupSizes sp = KubePodGroupSizes.start(client.get(), KubePodGroupSizes.SCHEDULER_PLUGINS,
          InformerSource.DEFAULT_RESYNC);
      KubePodGroupSizes vc = KubePodGroupSizes.start(client.get(), KubePodGroupSizes.VOLCANO,
          InformerSource.DEFAULT_RESYNC);
      ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "topogpu-events");
        t.setDaemon(true);
        return t;
      });
      closers.add(sp);
      closers.add(vc);
      closers.add(writer::shutdown);
      schedulerPlugins = sp;
      volcano = vc;
      events = new KubeEventRecorder(client.get(), writer, Clock.systemUTC());
    }
    GangService service = GangService.start(state, binder, new GangService.Setup(placer, config.tiers(),
        new GangIdentities(schedulerPlugins, volcano), config.settings(), events, metrics.registry(),
        Clock.systemUTC(), GangService.DEFAULT_TICK));
    closers.add(0, service);
    return new Gangs(service, closers, events);
  }

  GangService service() {
    return service;
  }

  /** Where Events go: the API server, or the log with a snapshot. */
  EventRecorder events() {
    return events;
  }

  @Override
  public void close() {
    for (AutoCloseable c : closers) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("closing gang wiring: {}", e.getMessage());
      }
    }
  }
}
