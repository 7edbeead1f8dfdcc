package io.topogpu.nodeagent.health;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.topogpu.nodeagent.nvml.Nvml;
import io.topogpu.nodeagent.nvml.NvmlException;
import io.topogpu.nodeagent.nvml.NvmlReturn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for NVML's XID events on its own thread and its own NVML session ({@link Nvml} is used from
 * one thread at a time): {@code nvmlEventSetCreate}, {@code nvmlDeviceRegisterEvents(gpu,
 * nvmlEventTypeXidCriticalError)} for every GPU, then {@code nvmlEventSetWait_v2} in a loop. Each
 * XID goes to the {@link HealthTracker} and is counted in {@code
 * topogpu_agent_xid_events_total{xid,critical}}; a critical one, or a GPU found lost, runs {@code
 * onChange} (a probe now, so the node annotation and ListAndWatch follow within one probe). When
 * NVML fails (driver gone, GPU lost mid-wait), the set is freed, NVML shut down, and everything
 * starts again after {@code retry}. A GPU that cannot register events (NOT_SUPPORTED) is noted
 * and watched by the probe alone.
 */
public final class XidWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(XidWatcher.class);
  static final int WAIT_MS = 500;

  private final Nvml nvml;
  private final HealthTracker tracker;
  private final Runnable onChange;
  private final Duration retry;
  private final MeterRegistry registry;
  private final Thread thread;
  private volatile boolean stopped;

  public XidWatcher(Nvml nvml, HealthTracker tracker, Runnable onChange, Duration retry, MeterRegistry registry) {
    this.nvml = nvml;
    this.tracker = tracker;
    this.onChange = onChange;
    this.retry = retry;
    this.registry = registry;
    this.thread = new Thread(this::run, "topogpu-agent-xid");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    while (!stopped) {
      try {
        watch();
      } catch (NvmlException e) {
        LOG.warn("XID watch stopped, retrying: {} {}", kv("code", e.code().name()), kv("error", e.getMessage()));
        if (e.code() == NvmlReturn.GPU_IS_LOST) {
          onChange.run();
        }
      } catch (RuntimeException e) {
        LOG.warn("XID watch failed, retrying: {}", kv("error", String.valueOf(e.getMessage())));
      }
      sleep(retry);
    }
  }

  private void watch() {
    nvml.init();
    try (nvml) {
      Nvml.EventSet set = nvml.eventSetCreate();
      try {
        List<String> uuids = register(set);
        while (!stopped) {
          Optional<Nvml.Event> e = nvml.eventWait(set, WAIT_MS);
          if (e.isPresent() && (e.get().type() & Nvml.EVENT_XID_CRITICAL) != 0) {
            deliver(e.get(), uuids);
          }
        }
      } finally {
        nvml.eventSetFree(set);
      }
    }
  }

  private List<String> register(Nvml.EventSet set) {
    List<String> uuids = new ArrayList<>();
    int n = nvml.deviceCount();
    for (int g = 0; g < n; g++) {
      String uuid = "";
      try {
        uuid = nvml.uuid(g);
        nvml.registerEvents(g, Nvml.EVENT_XID_CRITICAL, set);
      } catch (NvmlException e) {
        LOG.warn("GPU {} gets no XID events: {}", g, kv("error", e.getMessage()));
        if (e.code() == NvmlReturn.GPU_IS_LOST) {
          onChange.run();
        }
      }
      uuids.add(uuid);
    }
    LOG.info("watching XID events {}", kv("gpus", n));
    return uuids;
  }

  private void deliver(Nvml.Event e, List<String> uuids) {
    String uuid = e.gpu() >= 0 && e.gpu() < uuids.size() ? uuids.get(e.gpu()) : "";
    boolean critical = tracker.xid(uuid, e.data());
    Counter.builder("topogpu.agent.xid.events").tag("xid", Long.toString(e.data()))
        .tag("critical", Boolean.toString(critical)).description("XID events NVML delivered")
        .register(registry).increment();
    LOG.warn("XID event {} {} {} {}", kv("gpu", e.gpu()), kv("uuid", uuid), kv("xid", e.data()),
        kv("critical", critical));
    if (critical) {
      onChange.run();
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopped = true;
    thread.interrupt();
    thread.join(WAIT_MS * 4L);
  }
}
