package io.topogpu.nodeagent.agent;

import io.topogpu.nodeagent.discovery.Probe;
import io.topogpu.nodeagent.nvml.NvmlException;
import io.topogpu.nodeagent.publish.Outcome;
import io.topogpu.nodeagent.publish.Publisher;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import static net.logstash.logback.argument.StructuredArguments.kv;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent cycle: probe NVML, then publish the topology, or keep the last one and mark it stale
 * when NVML fails. A cycle never throws: failures become health, metrics and log lines, and the
 * next cycle tries again.
 */
public final class ProbeCycle implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeCycle.class);

  private final Supplier<Probe> prober;
  private final Publisher publisher;
  private final AgentHealth health;
  private final AgentMetrics metrics;

  public ProbeCycle(Supplier<Probe> prober, Publisher publisher, AgentHealth health, AgentMetrics metrics) {
    this.prober = prober;
    this.publisher = publisher;
    this.health = health;
    this.metrics = metrics;
  }

  @Override
  public void run() {
    Probe probe = null;
    long start = System.nanoTime();
    try {
      probe = prober.get();
      metrics.probed(Duration.ofNanos(System.nanoTime() - start), true);
      metrics.topology(probe.topology().gpuCount(), probe.topology().nvlinkDomains().size(),
          (int) probe.topology().gpus().stream().filter(g -> !g.mig().known()).count(),
          (int) probe.topology().gpus().stream().filter(g -> !g.healthy()).count());
      health.nvmlReached();
      probe.notes().forEach(n -> LOG.info("probe note: {}", kv("note", n)));
    } catch (RuntimeException e) {
      metrics.probed(Duration.ofNanos(System.nanoTime() - start), false);
      String kind = e instanceof NvmlException n ? "nvml_" + n.code().name().toLowerCase(Locale.ROOT) : "discovery";
      metrics.error(kind);
      health.nvmlFailed(describe(e));
      LOG.warn("probe failed, keeping the last published topology: {} {}", kv("kind", kind), kv("error", describe(e)));
    }
    try {
      Outcome outcome = probe != null ? publisher.published(probe.topology()) : publisher.probeFailed();
      metrics.outcome(outcome);
      if (probe != null) {
        metrics.goodProbePublished();
      }
      health.publishSucceeded();
      if (outcome != Outcome.UNCHANGED && outcome != Outcome.STILL_STALE) {
        LOG.info("node annotation {} {} {}", kv("outcome", outcome.label()),
            kv("gpus", probe == null ? -1 : probe.topology().gpuCount()),
            kv("links", probe == null ? "" : probe.topology().linkHistogram().toString()));
      }
    } catch (RuntimeException e) {
      metrics.error("api");
      health.publishFailed(describe(e));
      LOG.warn("publishing to the API server failed after retries: {}", kv("error", describe(e)));
    }
  }

  /** The messages of a failure and its causes, joined: fabric8's own message rarely names the reason. */
  static String describe(Throwable e) {
    StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      out.append(": ").append(c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName());
    }
    return out.toString();
  }
}
