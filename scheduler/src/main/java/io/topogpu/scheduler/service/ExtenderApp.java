package io.topogpu.scheduler.service;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.topogpu.scheduler.bind.AdmissionGate;
import io.topogpu.scheduler.bind.Binder;
import io.topogpu.scheduler.bind.KubePodEvictor;
import io.topogpu.scheduler.bind.PodEvictor;
import io.topogpu.scheduler.config.GangConfig;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.metrics.PreemptionMetrics;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.preempt.GangEvictions;
import io.topogpu.scheduler.service.TopogpuBackend.PodDiscovery;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.InformerSource;
import io.topogpu.scheduler.state.StateSource;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running extender, composed once: cluster state fed by {@code source}, the placement core, the
 * gang service and the HTTP server. {@code topogpu extender} runs one per process; tests that need
 * a client of their own (a fault-injecting one, say) start one in-process against a real API
 * server. {@link #close} stops what {@link #start} started, the client excepted (its owner closes
 * it).
 */
public final class ExtenderApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExtenderApp.class);
  private final ExtenderServer server;
  private final Gangs gangs;
  private final StateSource source;
  private final ClusterState state;
  /** Runs the evictions preemption decides on; stopped last. */
  private final ExecutorService evictions;

  private ExtenderApp(ExtenderServer server, Gangs gangs, StateSource source, ClusterState state,
      ExecutorService evictions) {
    this.evictions = evictions;
    this.server = server;
    this.gangs = gangs;
    this.source = source;
    this.state = state;
  }

  /**
   * Serves the extender API on {@code options}' address, then starts {@code source} feeding the
   * state; {@code /readyz} answers 503 until the source has synced.
   */
  public static ExtenderApp start(Optional<KubernetesClient> client, StateSource source, Policy policy,
      GangConfig gangConfig, ExtenderServerOptions options, BindGuard guard) {
    Placer placer = new Placer(policy);
    ClusterState state = new ClusterState(placer::attribute);
    ExtenderMetrics metrics = new ExtenderMetrics();
    Binder binder = new AdmissionGate(source.binder(), state::pod,
        name -> state.node(name).map(NodeState::node), AdmissionGate.DEFAULT_MAX_WAIT);
    Gangs gangs = Gangs.start(client, state, placer, binder, gangConfig, metrics);
    ExecutorService evictions = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "topogpu-evictions");
      t.setDaemon(true);
      return t;
    });
    PodEvictor evictor = client.<PodEvictor>map(KubePodEvictor::new).orElse((namespace, name, uid, why) -> {
      log.warn("snapshot mode: evicting {}/{} from the cached state: {}", namespace, name, why);
      state.removePod(namespace + "/" + name);
      return true;
    });
    Preemptions preemptions = new Preemptions(state, placer, Preemptions.gangOf(gangs.service().identities()),
        new GangEvictions(Preemptions.DEFAULT_OWED_FOR), evictor, gangs.events(),
        new PreemptionMetrics(metrics.registry()), Clock.systemUTC(),
        evictions, gangConfig.tiers());
    state.watch(preemptions);
    TopogpuBackend backend = new TopogpuBackend(state, placer, binder, gangs.service().hook(),
        source.announcesNewPods() ? PodDiscovery.FROM_SOURCE : PodDiscovery.FROM_REQUESTS, preemptions, guard);
    ExtenderServer server = ExtenderServer.start(backend, options, metrics);
    source.start(state);
    return new ExtenderApp(server, gangs, source, state, evictions);
  }

  /** An extender fed by informers on {@code client}, binding through it. */
  public static ExtenderApp informers(KubernetesClient client, Policy policy, GangConfig gangConfig,
      ExtenderServerOptions options) {
    return start(Optional.of(client), new InformerSource(client, InformerSource.DEFAULT_RESYNC), policy,
        gangConfig, options, new BindGuard(BindGuard.DEFAULT_SCHEDULER_NAME));
  }

  public int port() {
    return server.port();
  }

  /** The cluster state the extender decides on (read-only use). */
  public ClusterState state() {
    return state;
  }

  /** Drains in-flight requests (up to the shutdown grace), then stops gangs and the source. */
  @Override
  public void close() {
    server.close();
    gangs.close();
    source.close();
    evictions.shutdown();
  }
}
