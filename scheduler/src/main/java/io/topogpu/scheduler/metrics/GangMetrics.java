package io.topogpu.scheduler.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.topogpu.scheduler.gang.GangIdentity;
import io.topogpu.scheduler.gang.GangListener;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Gang meters: {@value #WAITING} (gauge: gangs holding a plan, not all members at bind yet),
 * {@value #TIME_TO_START} (timer: first filter of a gang → every member at bind), {@value
 * #TIMEOUTS} (counter: plans dropped at their deadline), {@value #RELEASES} (counter: plans
 * dropped for any other reason).
 */
public final class GangMetrics implements GangListener {
  public static final String WAITING = "topogpu.gangs.waiting";
  public static final String TIME_TO_START = "topogpu.gangs.time.to.start";
  public static final String TIMEOUTS = "topogpu.gangs.timeouts";
  public static final String RELEASES = "topogpu.gangs.releases";

  private final Timer timeToStart;
  private final Counter timeouts;
  private final Counter releases;

  private final MeterRegistry registry;

  public GangMetrics(MeterRegistry registry) {
    this.registry = registry;
    timeToStart = Timer.builder(TIME_TO_START).description("first filter of a gang until all members reached bind")
        .register(registry);
    timeouts = Counter.builder(TIMEOUTS).description("gang plans released at their deadline").register(registry);
    releases = Counter.builder(RELEASES).description("gang plans released before their deadline")
        .register(registry);
  }

  /** Registers the gauge on the current number of waiting gangs ({@code GangCoordinator::waitingGangs}). */
  public void watchWaiting(IntSupplier waiting) {
    Gauge.builder(WAITING, waiting::getAsInt).description("gangs planned and waiting for members at bind")
        .register(registry);
  }

  @Override
  public void started(GangIdentity gang, List<String> members, Duration sinceFirstSeen) {
    timeToStart.record(sinceFirstSeen);
  }

  @Override
  public void released(GangIdentity gang, List<String> members, String why, boolean timedOut) {
    (timedOut ? timeouts : releases).increment();
  }
}
