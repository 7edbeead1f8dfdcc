package io.topogpu.scheduler.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.topogpu.scheduler.bind.Binder;
import io.topogpu.scheduler.gang.EventRecorder;
import io.topogpu.scheduler.gang.GangCoordinator;
import io.topogpu.scheduler.gang.GangEvents;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.gang.GangListener;
import io.topogpu.scheduler.gang.GangPlanner;
import io.topogpu.scheduler.gang.GangSettings;
import io.topogpu.scheduler.metrics.GangMetrics;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gangs in the running extender: one {@link GangCoordinator} on the {@link ClusterState}'s ledger,
 * told of pods that go away and of ledger rebuilds ({@link GangCoordinator#recover}), a timer that
 * calls {@link GangCoordinator#expireOverdue} every {@code tick}, events and metrics as its
 * listeners, and the {@link CoordinatedGangs} hook for {@link TopogpuBackend}.
 *
 * <p>The timer's period bounds how late a deadline is enforced: a gang times out between {@code
 * bindTimeout} and {@code bindTimeout + tick} after its first member's arrival, so {@code
 * bindTimeout + tick} must stay below kube-scheduler's {@code httpTimeout}.
 *
 * <p>Gang writes run on an unbounded pool ({@code topogpu-gang-bind}): each opening's write
 * ({@link GangCommit}) waits there for its members' API calls, which a bounded pool could starve.
 */
public final class GangService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GangService.class);
  public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);

  private final GangCoordinator coordinator;
  private final CoordinatedGangs hook;
  private final ScheduledExecutorService timer;
  private final ExecutorService writers;
  private final GangIdentities identities;

  private GangService(GangCoordinator coordinator, CoordinatedGangs hook, ScheduledExecutorService timer,
      ExecutorService writers, GangIdentities identities) {
    this.identities = identities;
    this.coordinator = coordinator;
    this.hook = hook;
    this.timer = timer;
    this.writers = writers;
  }

  /** Everything a running gang service needs, decoded and validated at start-up. */
  public record Setup(Placer placer, TierConfig tiers, GangIdentities identities, GangSettings settings,
      EventRecorder events, MeterRegistry registry, InstantSource clock, Duration tick) {}

  public static GangService start(ClusterState state, Binder binder, Setup setup) {
    GangEvents events = new GangEvents(setup.events());
    GangMetrics metrics = new GangMetrics(setup.registry());
    GangCoordinator coordinator = new GangCoordinator(state.ledger(),
        new GangPlanner(setup.placer(), new NetworkTiers(setup.tiers())), setup.identities(), setup.settings(),
        setup.clock(), GangListener.all(List.of(events, metrics)));
    metrics.watchWaiting(coordinator::waitingGangs);
    state.watch(new ClusterState.PodWatcher() {
      @Override
      public void gone(String podKey) {
        coordinator.memberDeleted(podKey);
      }

      @Override
      public void rebuilt(Collection<PodInfo> pods) {
        coordinator.recover(pods);
      }
    });
    ExecutorService writers = Executors.newCachedThreadPool(daemon("topogpu-gang-bind"));
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("topogpu-gang-timer"));
    long tick = setup.tick().toMillis();
    timer.scheduleWithFixedDelay(() -> {
      try {
        coordinator.expireOverdue();
      } catch (RuntimeException e) {
        log.error("gang timer: expireOverdue failed", e);
      }
    }, tick, tick, TimeUnit.MILLISECONDS);
    CoordinatedGangs hook = new CoordinatedGangs(coordinator, setup.identities(), state, binder, events, writers,
        setup.placer().workload());
    return new GangService(coordinator, hook, timer, writers, setup.identities());
  }

  public GangHook hook() {
    return hook;
  }

  /** How pods' gangs are resolved. */
  public GangIdentities identities() {
    return identities;
  }

  public GangCoordinator coordinator() {
    return coordinator;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    writers.shutdown();
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
