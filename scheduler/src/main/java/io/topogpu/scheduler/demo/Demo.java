package io.topogpu.scheduler.demo;

import io.topogpu.scheduler.bind.InMemoryBinder;
import io.topogpu.scheduler.driver.KubeSchedulerDriver;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.extender.Routes;
import io.topogpu.scheduler.kube.KubeObjects;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.GpuSet;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.topology.objective.SetValue;
import io.topogpu.scheduler.service.GangHook;
import io.topogpu.scheduler.service.TopogpuBackend;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.topology.model.NodeTopology;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code topogpu demo}: the extender on loopback over an in-memory {@link DemoCluster}, and {@link
 * KubeSchedulerDriver} submitting a {@link JobStream} through its HTTP API exactly as
 * kube-scheduler would. Before each submission, jobs whose lifetime is over finish (their pods are
 * deleted, freeing their devices); a job that finds no node is withdrawn rather than retried.
 * Prints one line per job and a {@link DemoSummary}. kube-scheduler's own filters are not
 * simulated: every node is a candidate for every pod, as on a cluster of GPU nodes only.
 *
 * <p>The state is what a snapshot gives the extender: nodes loaded once, pods added as the "API
 * server" creates them, binds kept in memory.
 */
public final class Demo {
  /** How many jobs and which stream. */
  public record Options(long seed, int jobs) {
    public Options {
      if (jobs < 1) {
        throw new IllegalArgumentException("--jobs: must be at least 1, got " + jobs);
      }
    }
  }

  private record Ending(int step, String podKey) {}

  private final Placer placer = new Placer(Policy.defaults());
  private final ClusterState state = new ClusterState(placer::attribute);

  public static DemoSummary run(Options options, PrintWriter out) {
    return new Demo().stream(options, out);
  }

  private DemoSummary stream(Options options, PrintWriter out) {
    List<ClusterNode> nodes = DemoCluster.nodes();
    state.replaceAll(() -> nodes, List::of);
    List<String> names = nodes.stream().map(ClusterNode::name).toList();
    out.printf("cluster: %d nodes: %s%n", nodes.size(), composition(nodes));
    TopogpuBackend backend =
        new TopogpuBackend(state, placer, new InMemoryBinder(), GangHook.NONE,
            TopogpuBackend.PodDiscovery.FROM_SOURCE);
    ExtenderServerOptions serverOptions =
        ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(5));
    int placed = 0;
    int unschedulable = 0;
    int failed = 0;
    int finished = 0;
    int multi = 0;
    int multiOnBest = 0;
    int multiOnBestAvailable = 0;
    BestAvailable bestAvailable = new BestAvailable(placer.chooser());
    try (ExtenderServer server = ExtenderServer.start(backend, serverOptions, new ExtenderMetrics())) {
      out.printf("extender on http://127.0.0.1:%d%s, %d jobs, seed %d%n%n",
          server.port(), Routes.PREFIX, options.jobs(), options.seed());
      KubeSchedulerDriver driver = KubeSchedulerDriver.onLoopback(server.port(), options.seed());
      JobStream jobs = new JobStream(options.seed());
      PriorityQueue<Ending> endings =
          new PriorityQueue<>(Comparator.comparingInt(Ending::step));
      for (int step = 0; step < options.jobs(); step++) {
        while (!endings.isEmpty() && endings.peek().step() <= step) {
          state.removePod(endings.poll().podKey());
          finished++;
        }
        JobStream.Job job = jobs.next();
        PodInfo info = KubeObjects.toPodInfo(job.pod());
        state.putPod(info);
        int k = info.request().filter(r -> r instanceof GpuRequest.WholeGpus)
            .map(r -> ((GpuRequest.WholeGpus) r).count()).orElse(0);
        OptionalLong bestBefore = k >= 2 ? bestAvailable.bottleneck(state.nodes(), k) : OptionalLong.empty();
        Outcome outcome = driver.schedule(job.pod(), names);
        String head = String.format("%-14s %-13s", job.key(), job.request());
        if (outcome instanceof Outcome.Bound bound) {
          placed++;
          NodeState node = state.node(bound.node()).orElseThrow();
          Assignment a = state.holding(job.key()).orElseThrow();
          NodeTopology t = node.topology().orElseThrow();
          String verdict = "";
          if (a.gpus().size() >= 2 && a.mig().isEmpty()) {
            multi++;
            boolean best = onBestSet(node, a);
            boolean bestInCluster = bestBefore.isPresent() && BestAvailable.meets(node, a, bestBefore.getAsLong());
            multiOnBest += best ? 1 : 0;
            multiOnBestAvailable += bestInCluster ? 1 : 0;
            verdict = (bestInCluster ? "best free in cluster" : "not the best free in cluster")
                + (best ? ", best of its shape" : "");
          }
          out.println(String.format("%s -> %-13s %-22s %-18s %s",
              head, bound.node(), devices(a), LinkClass.of(t, a), verdict).stripTrailing());
          endings.add(new Ending(step + job.lifetime(), job.key()));
        } else if (outcome instanceof Outcome.Unschedulable u) {
          unschedulable++;
          state.removePod(job.key());
          out.printf("%s unschedulable: %s%n", head, reasons(u, names.size()));
        } else {
          failed++;
          state.removePod(job.key());
          Outcome.Failed f = (Outcome.Failed) outcome;
          out.printf("%s failed at %s: %s%n", head, f.verb(), f.error());
        }
      }
    }
    Collection<NodeState> end = state.nodes();
    DemoSummary summary = new DemoSummary(options.jobs(), placed, unschedulable, failed, finished,
        end.stream().mapToLong(n -> Long.bitCount(n.placeableMask() & ~n.freeMask())).sum(),
        end.stream().mapToLong(n -> Long.bitCount(n.placeableMask())).sum(),
        end.stream().mapToLong(Demo::migHeld).sum(),
        end.stream().mapToLong(Demo::migInstances).sum(),
        multi, multiOnBest, multiOnBestAvailable, fragmentation(end));
    out.print(summary.text());
    out.flush();
    return summary;
  }

  /**
   * Whether {@code a}'s links are as good as the best set of its size on the node's shape when
   * empty, per the placement core's own chooser (equal bottleneck and total bandwidth).
   */
  private boolean onBestSet(NodeState node, Assignment a) {
    NodeTopology t = node.topology().orElseThrow();
    NodeState empty = NodeState.empty(node.node());
    GpuSet ideal = placer.chooser()
        .choose(t, empty.shape(), empty.placeableMask(), a.gpus().size(), LinkConstraint.NONE)
        .orElseThrow();
    long mask = GpuSet.maskOf(a.gpus());
    SetValue got = SetValue.of(t, mask, mask);
    return got.bottleneck() >= ideal.value().bottleneck() && got.total() >= ideal.value().total();
  }

  /** Free whole GPUs in broken blocks over free whole GPUs (see {@link DemoSummary}). */
  static double fragmentation(Collection<NodeState> nodes) {
    long free = 0;
    long stranded = 0;
    for (NodeState n : nodes) {
      NodeTopology t = n.topology().orElseThrow();
      long placeable = n.placeableMask();
      long freeMask = n.freeMask();
      free += Long.bitCount(freeMask);
      for (List<Integer> block : blocks(t)) {
        long b = GpuSet.maskOf(block) & placeable;
        if ((b & freeMask) != b) {
          stranded += Long.bitCount(b & freeMask);
        }
      }
    }
    return free == 0 ? 0 : (double) stranded / free;
  }

  /** NVLink domains, then per NUMA node the GPUs that are in no NVLink domain. */
  private static List<List<Integer>> blocks(NodeTopology t) {
    List<List<Integer>> out = new ArrayList<>(t.nvlinkDomains());
    for (List<Integer> group : t.numaGroups()) {
      List<Integer> rest = group.stream().filter(g -> t.nvlinkDomainOf(g) < 0).toList();
      if (!rest.isEmpty()) {
        out.add(rest);
      }
    }
    return out;
  }

  private static long migInstances(NodeState n) {
    return n.topology().orElseThrow().gpus().stream()
        .mapToLong(g -> g.mig().instances().size()).sum();
  }

  private static long migHeld(NodeState n) {
    return n.pods().values().stream().mapToLong(a -> a.mig().size()).sum();
  }

  private static String devices(Assignment a) {
    if (!a.mig().isEmpty()) {
      return a.mig().stream()
          .map(s -> s.profile() + " GPU" + s.gpu() + "@" + s.start())
          .collect(Collectors.joining(","));
    }
    return (a.gpus().size() == 1 ? "GPU " : "GPUs ")
        + a.gpus().stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** kube-scheduler's FailedScheduling wording: identical messages counted, most frequent first. */
  private static String reasons(Outcome.Unschedulable u, int nodes) {
    Map<String, Long> counts = new TreeMap<>();
    u.failed().values().forEach(m -> counts.merge(m, 1L, Long::sum));
    u.unresolvable().values().forEach(m -> counts.merge(m, 1L, Long::sum));
    return "0/" + nodes + " nodes are available: " + counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .map(e -> e.getValue() + " " + e.getKey())
        .collect(Collectors.joining(", ")) + ".";
  }

  private static String composition(List<ClusterNode> nodes) {
    Map<String, Long> byPrefix = new LinkedHashMap<>();
    for (ClusterNode n : nodes) {
      byPrefix.merge(n.name().replaceFirst("-\\d+$", ""), 1L, Long::sum);
    }
    return byPrefix.entrySet().stream().map(e -> e.getValue() + " × " + e.getKey())
        .collect(Collectors.joining(", "));
  }
}
