package io.topogpu.nodeagent.plugin;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.topogpu.topology.Keys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what each pod on this node really holds as its {@code topogpu.io/allocated} annotation
 * ({@link ActualAllocations}), from the kubelet's PodResources {@code List}: every {@code period},
 * and {@code settle} after each Allocate ({@link #soon()}), when the kubelet has recorded it.
 *
 * <p>Writes only when the value differs from the pod's current one (as the node-scoped pod
 * informer sees it), one JSON merge patch per pod that also names the pod's UID, so the patch fails
 * rather than annotating a new pod of the same name; a failed write is logged, counted in {@code
 * topogpu_agent_allocated_writes_total{outcome}} and retried at the next run. Pods PodResources no
 * longer lists (finished) keep their last value. Runs on one thread, so runs never overlap.
 */
public final class Reconciler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  public static final String METRIC = "topogpu.agent.allocated.writes";

  private final KubernetesClient client;
  private final String node;
  private final Supplier<List<Pod>> pods;
  private final Supplier<KubeletAllocations> kubelet;
  private final Supplier<Inventory> inventory;
  private final MeterRegistry registry;
  private final Duration settle;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "topogpu-agent-reconcile");
    t.setDaemon(true);
    return t;
  });

  public Reconciler(KubernetesClient client, String node, Supplier<List<Pod>> pods, Supplier<KubeletAllocations> kubelet,
      Supplier<Inventory> inventory, MeterRegistry registry, Duration settle) {
    this.client = client;
    this.node = node;
    this.pods = pods;
    this.kubelet = kubelet;
    this.inventory = inventory;
    this.registry = registry;
    this.settle = settle;
  }

  public void start(Duration period) {
    thread.scheduleWithFixedDelay(this::runSafely, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A run {@code settle} from now: after an Allocate, once PodResources shows it. */
  public void soon() {
    thread.schedule(this::runSafely, settle.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void runSafely() {
    try {
      run();
    } catch (RuntimeException e) {
      LOG.warn("reconciliation failed, retrying at the next run: {}", kv("error", String.valueOf(e.getMessage())));
    }
  }

  /** One run: writes the annotations that differ; returns how many it wrote. */
  public int run() {
    Map<String, String> actual = ActualAllocations.of(kubelet.get(), inventory.get(), node);
    int written = 0;
    for (Pod p : pods.get()) {
      String ns = p.getMetadata().getNamespace();
      String name = p.getMetadata().getName();
      String want = actual.get(ns + "/" + name);
      Map<String, String> annotations = p.getMetadata().getAnnotations();
      String have = annotations == null ? null : annotations.get(Keys.ALLOCATED);
      if (want == null || want.equals(have) || !node.equals(p.getSpec().getNodeName())) {
        continue;
      }
      try {
        String patch = Serialization.asJson(Map.of("metadata", Map.of(
            "uid", Objects.requireNonNullElse(p.getMetadata().getUid(), ""), "annotations", Map.of(Keys.ALLOCATED, want))));
        client.pods().inNamespace(ns).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        written++;
        count("written");
        LOG.info("pod devices published {} {}", kv("pod", ns + "/" + name), kv("allocated", want));
      } catch (RuntimeException e) {
        count("error");
        LOG.warn("cannot publish pod devices {} {}", kv("pod", ns + "/" + name), kv("error", String.valueOf(e.getMessage())));
      }
    }
    return written;
  }

  private void count(String outcome) {
    Counter.builder(METRIC).tag("outcome", outcome).description("topogpu.io/allocated writes by outcome")
        .register(registry).increment();
  }

  @Override
  public void close() throws InterruptedException {
    thread.shutdownNow();
    thread.awaitTermination(5, TimeUnit.SECONDS);
  }
}
