package io.topogpu.benchmarks.load;

import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.extender.Routes;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.service.GangHook;
import io.topogpu.scheduler.service.TopogpuBackend;
import io.topogpu.scheduler.service.TopogpuBackend.PodDiscovery;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.state.SnapshotSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory and start-up of the extender on a large snapshot.
 *
 * <p>Start-up = wall time from reading the snapshot file ({@code kubectl get nodes,pods -A -o
 * json}) to the first HTTP 200 from {@code /readyz}, the path of {@code extender --snapshot}:
 * {@link SnapshotSource#read} decodes and validates every object, {@link ClusterState} rebuilds
 * the ledger from the pods' annotations, the HTTP server starts, readiness is polled. JVM start
 * and class loading before that (about 0.5 s) are not included.
 *
 * <p>Retained heap = heap used after full GC with the extender serving (what it keeps: the
 * snapshot source, the node and pod caches, the ledger, the HTTP server) minus heap used after full
 * GC before reading. Measured with {@code System.gc()} and the memory MXBean; indicative to a few
 * MB.
 */
public final class Footprint {

  /** @param snapshotBytes size of the snapshot file */
  public record Result(int nodes, int pods, int gpuPods, long snapshotBytes, double startupSeconds,
      long retainedHeapBytes) {}

  private Footprint() {}

  /** Generates the cluster, writes its snapshot to {@code dir}, and measures. */
  public static Result measure(int nodes, int totalPods, double occupancy, long seed, Path dir) {
    Written w = write(nodes, totalPods, occupancy, seed, dir);
    Path file = w.file();
    try {
      long before = heapAfterGc();
      long t0 = System.nanoTime();
      SnapshotSource source = SnapshotSource.read(file);
      Placer placer = new Placer(Policy.defaults());
      ClusterState state = new ClusterState(placer::attribute);
      source.start(state);
      TopogpuBackend backend = new TopogpuBackend(state, placer, source.binder(), GangHook.NONE,
          source.announcesNewPods() ? PodDiscovery.FROM_SOURCE : PodDiscovery.FROM_REQUESTS);
      ExtenderServerOptions options = ExtenderServerOptions.defaults().withPort(0);
      try (ExtenderServer server = ExtenderServer.start(backend, options, new ExtenderMetrics())) {
        awaitReady(URI.create("http://" + options.host() + ":" + server.port() + Routes.READYZ));
        double startup = (System.nanoTime() - t0) / 1e9;
        long retained = heapAfterGc() - before;
        Reference.reachabilityFence(state);
        return new Result(nodes, w.pods(), w.gpuPods(), Files.size(file), startup, retained);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("snapshot " + file, e);
    }
  }

  private record Written(Path file, int pods, int gpuPods) {}

  /** The snapshot file; the generated cluster is garbage once this returns. */
  private static Written write(int nodes, int totalPods, double occupancy, long seed, Path dir) {
    int gpuPods = SyntheticCluster.generate(nodes, occupancy, 0, seed).pods().size();
    int background = Math.max(0, totalPods - gpuPods);
    SyntheticCluster cluster = SyntheticCluster.generate(nodes, occupancy, background, seed);
    Path file = dir.resolve("snapshot-" + nodes + ".json");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("creating " + dir, e);
    }
    KubeForm.writeSnapshot(cluster, file);
    return new Written(file, cluster.pods().size(), gpuPods);
  }

  private static void awaitReady(URI readyz) throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest get = HttpRequest.newBuilder(readyz).GET().build();
    try {
      while (http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
        Thread.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + readyz, e);
    }
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
