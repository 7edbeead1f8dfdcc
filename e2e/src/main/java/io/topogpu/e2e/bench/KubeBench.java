package io.topogpu.e2e.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.topogpu.e2e.harness.KubeBinaries;
import io.topogpu.e2e.harness.KubeCluster;
import io.topogpu.e2e.harness.ManagedProcess;
import io.topogpu.e2e.harness.Wait;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs of the real-cluster bind benchmark on one control plane with {@code nodes} Node objects
 * (DGX A100, 8 GPUs each, no kubelet). Each run starts from no pods: the pods are all created
 * pending, then (for {@link Target#EXTENDER}) a fresh extender, then kube-scheduler; the bind
 * instants come from a watch on the pods. Both are stopped at the end of the run.
 */
final class KubeBench implements AutoCloseable {
  static final String SHAPE = "dgx-a100-8gpu-nv12";
  /** Requests in flight while creating nodes and pods: enough to keep the API server busy on 2 cores. */
  static final int CREATE_PARALLELISM = 16;
  private static final String LEASE_NAMESPACE = KubeCluster.SYSTEM_NAMESPACE;
  private static final String LEASE_NAME = "topogpu-scheduler";

  private final KubeBinaries bin;
  private final KubeCluster cluster;
  private final int nodes;
  private final PrintStream progress;

  private KubeBench(KubeBinaries bin, KubeCluster cluster, int nodes, PrintStream progress) {
    this.bin = bin;
    this.cluster = cluster;
    this.nodes = nodes;
    this.progress = progress;
  }

  /** A fresh control plane with {@code nodes} Node objects. */
  static KubeBench start(KubeBinaries bin, int nodes, PrintStream progress) {
    long t0 = System.nanoTime();
    KubeCluster cluster = KubeCluster.start(bin, "kubebench-" + nodes);
    progress.printf("control plane up in %.1f s (%s)%n", seconds(t0), cluster.dir());
    try {
      NodeTopology dgx = Shapes.load(SHAPE);
      long t1 = System.nanoTime();
      parallel(nodes, i -> cluster.node(String.format("dgx-%05d", i), dgx, Map.of()), "nodes", progress);
      progress.printf("%d nodes created in %.1f s%n", nodes, seconds(t1));
      return new KubeBench(bin, cluster, nodes, progress);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** One run; {@code schedulerQps} is kube-scheduler's client rate (0: its default, 50 with burst 100). */
  RunResult run(Target target, int run, int pods, PodMix mix, Duration timeout, int schedulerQps) {
    String tag = String.format("[%d nodes, %s, run %d]", nodes, target.label(), run);
    wipePods();
    cluster.admin().leases().inNamespace(LEASE_NAMESPACE).withName(LEASE_NAME).delete();

    Map<String, Long> boundAt = new ConcurrentHashMap<>();
    Watch watch = cluster.admin().pods().inNamespace(BenchPods.NAMESPACE).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node != null && !node.isEmpty()) {
          boundAt.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        progress.println(tag + " pod watch closed: " + cause.getMessage());
      }
    });
    ManagedProcess extender = null;
    ManagedProcess scheduler = null;
    try {
      long t0 = System.nanoTime();
      parallel(pods, i -> cluster.create(BenchPods.pod(i, mix)), "pods", progress);
      progress.printf("%s %d pending pods created in %.1f s%n", tag, pods, seconds(t0));
      PromText apiBefore = PromText.parse(cluster.admin().raw("/metrics"));
      if (target == Target.EXTENDER) {
        long t1 = System.nanoTime();
        extender = cluster.startExtender();
        progress.printf("%s extender ready in %.1f s%n", tag, seconds(t1));
      }
      // From here: the extender's start-up and informer sync are not the binds' cost.
      var cpuBefore = CpuTimes.now();
      if (target == Target.EXTENDER) {
        scheduler = cluster.startKubeScheduler(bin, cluster.extenderUrlPrefix(), schedulerQps);
      } else {
        scheduler = cluster.startKubeScheduler(bin, null, schedulerQps);
      }
      awaitBinds(tag, boundAt, pods, timeout, scheduler);
      BindRate rate = BindRate.of(List.copyOf(boundAt.values()));
      var cpuAfter = CpuTimes.now();
      PromText apiAfter = PromText.parse(cluster.admin().raw("/metrics"));
      Map<String, Double> extenderMs = new TreeMap<>();
      Map<String, Double> extenderCalls = new TreeMap<>();
      if (extender != null) {
        ExtenderLatency.read(PromText.parse(cluster.extenderMetrics()), extenderMs, extenderCalls);
      }
      RunResult result = new RunResult(target, nodes, run, pods, rate, ApiRequests.callsBetween(apiBefore, apiAfter),
          ApiRequests.meanMsBetween(apiBefore, apiAfter), extenderMs, extenderCalls,
          CpuTimes.msPerPod(cpuBefore, cpuAfter, rate.binds()));
      progress.printf("%s %d/%d bound, %.1f pods/s over %.2f s%s; CPU ms per pod %s%n", tag, rate.binds(), pods,
          rate.podsPerSecond(), rate.seconds(), extenderMs.isEmpty() ? "" : "; extender mean ms " + extenderMs,
          result.cpuMsPerPod());
      return result;
    } finally {
      watch.close();
      if (scheduler != null) {
        scheduler.close();
      }
      if (extender != null) {
        extender.close();
      }
    }
  }

  private void awaitBinds(String tag, Map<String, Long> boundAt, int pods, Duration timeout,
      ManagedProcess scheduler) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastReport = System.nanoTime();
    while (boundAt.size() < pods) {
      scheduler.requireAlive();
      if (System.nanoTime() > deadline) {
        progress.printf("%s timed out after %s with %d/%d bound%n", tag, timeout, boundAt.size(), pods);
        return;
      }
      if (System.nanoTime() - lastReport > 2_000_000_000L) {
        lastReport = System.nanoTime();
        progress.printf("%s bound %d/%d%n", tag, boundAt.size(), pods);
      }
      sleep(100);
    }
  }

  private void wipePods() {
    cluster.admin().pods().inNamespace(BenchPods.NAMESPACE).withGracePeriod(0).delete();
    Wait.until(Duration.ofMinutes(5), "the benchmark's pods gone",
        () -> cluster.admin().pods().inNamespace(BenchPods.NAMESPACE).list().getItems().isEmpty());
  }

  /** Runs {@code task(0..count-1)} on {@link #CREATE_PARALLELISM} threads; the first failure is thrown. */
  static void parallel(int count, IntConsumer task, String what, PrintStream progress) {
    ExecutorService pool = Executors.newFixedThreadPool(CREATE_PARALLELISM);
    try {
      List<Future<?>> futures = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(pool.submit(() -> task.accept(index)));
      }
      for (int i = 0; i < futures.size(); i++) {
        futures.get(i).get();
        if ((i + 1) % 1000 == 0 && i + 1 < count) {
          progress.printf("  %d/%d %s%n", i + 1, count, what);
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("creating " + what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + what, e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    cluster.close();
  }
}
