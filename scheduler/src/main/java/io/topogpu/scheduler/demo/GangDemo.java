package io.topogpu.scheduler.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.topogpu.scheduler.bind.InMemoryBinder;
import io.topogpu.scheduler.driver.KubeSchedulerDriver;
import io.topogpu.scheduler.driver.Outcome;
import io.topogpu.scheduler.extender.ExtenderServer;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.gang.EventRecorder;
import io.topogpu.scheduler.gang.GangIdentities;
import io.topogpu.scheduler.gang.GangSettings;
import io.topogpu.scheduler.kube.KubeObjects;
import io.topogpu.scheduler.metrics.ExtenderMetrics;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.service.GangService;
import io.topogpu.scheduler.service.TopogpuBackend;
import io.topogpu.scheduler.state.ClusterState;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import io.topogpu.topology.Keys;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * The gang part of {@code topogpu demo}: multi-pod training jobs placed whole through the
 * extender's HTTP API, on DGX A100 nodes under two leaf switches (leaf {@code l1}: 3 nodes, leaf
 * {@code l2}: 4 nodes). Members are scheduled in kube-scheduler's order, each member's bind run
 * asynchronously (as kube-scheduler's binding cycle is), so the binds meet at the gang barrier.
 * Prints, per gang, where each member landed and the tightest tier that holds the whole gang.
 */
public final class GangDemo {
  /** One gang of {@code size} members of {@code gpus} GPUs each. */
  public record GangJob(String name, int size, int gpus) {}

  /** The gangs, in submission order: the 4×8 needs the leaf of 4; the 3×8 finds no room left. */
  public static final List<GangJob> JOBS = List.of(new GangJob("llm-a", 4, 8), new GangJob("llm-b", 2, 8),
      new GangJob("tune-c", 2, 4), new GangJob("llm-d", 3, 8));

  private GangDemo() {}

  /** Runs the gangs; returns how many gangs were placed whole. */
  public static int run(PrintWriter out) {
    Placer placer = new Placer(Policy.defaults());
    ClusterState state = new ClusterState(placer::attribute);
    List<ClusterNode> nodes = nodes();
    state.replaceAll(() -> nodes, List::of);
    List<String> names = nodes.stream().map(ClusterNode::name).toList();
    InMemoryBinder binder = new InMemoryBinder();
    NetworkTiers tiers = new NetworkTiers(TierConfig.defaults());
    ExecutorService binders = Executors.newCachedThreadPool();
    int placed = 0;
    out.printf("%ngangs: %d DGX A100 nodes, leaf l1 = %s, leaf l2 = %s%n", nodes.size(),
        leafNodes(nodes, "l1"), leafNodes(nodes, "l2"));
    try (GangService gangs = GangService.start(state, binder, new GangService.Setup(placer, TierConfig.defaults(),
        GangIdentities.withoutPodGroups(), GangSettings.DEFAULTS, EventRecorder.NONE, new SimpleMeterRegistry(),
        Clock.systemUTC(), GangService.DEFAULT_TICK));
        ExtenderServer server = ExtenderServer.start(new TopogpuBackend(state, placer, binder, gangs.hook(),
            TopogpuBackend.PodDiscovery.FROM_SOURCE),
            ExtenderServerOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(5)),
            new ExtenderMetrics())) {
      KubeSchedulerDriver driver = KubeSchedulerDriver.onLoopback(server.port(), 1);
      for (GangJob job : JOBS) {
        List<Pod> pods = members(job);
        pods.forEach(p -> state.putPod(KubeObjects.toPodInfo(p)));
        List<Outcome> outcomes = driver.scheduleAll(pods, names, binders).stream()
            .map(CompletableFuture::join).toList();
        String head = String.format("gang %-7s %d×%d GPUs", job.name(), job.size(), job.gpus());
        if (outcomes.stream().allMatch(o -> o instanceof Outcome.Bound)) {
          placed++;
          List<ClusterNode> used = new ArrayList<>();
          List<String> where = new ArrayList<>();
          for (Pod p : pods) {
            Assignment a = state.holding(key(p)).orElseThrow();
            used.add(state.node(a.node()).orElseThrow().node());
            where.add(p.getMetadata().getName() + "→" + a.node());
          }
          out.printf("%s -> %-18s %s%n", head, tier(tiers, used), String.join(" ", where));
        } else {
          out.printf("%s not placed: %s%n", head, firstReason(outcomes));
          pods.forEach(p -> state.removePod(key(p)));
        }
      }
    } finally {
      binders.shutdownNow();
    }
    out.printf("gangs: %d of %d placed whole, none partly%n", placed, JOBS.size());
    out.flush();
    return placed;
  }

  /** The tightest level whose one domain holds every node: {@code node=n}, {@code leaf=l2}, or cluster. */
  static String tier(NetworkTiers tiers, List<ClusterNode> used) {
    if (used.stream().map(ClusterNode::name).distinct().count() == 1) {
      return "node " + used.get(0).name();
    }
    for (String level : tiers.config().names()) {
      List<Optional<String>> domains = used.stream().map(n -> tiers.domainOf(n, level)).distinct().toList();
      if (domains.size() == 1 && domains.get(0).isPresent()) {
        return level + " " + domains.get(0).get();
      }
    }
    return "cluster";
  }

  private static List<ClusterNode> nodes() {
    NodeTopology dgx = Shapes.load("dgx-a100-8gpu-nv12");
    List<ClusterNode> out = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      String leaf = i <= 3 ? "l1" : "l2";
      out.add(ClusterNode.withTopology(String.format("dgx-%02d", i), Map.of(Keys.LABEL_LEGACY_LEAF, leaf), Map.of(),
          dgx));
    }
    return out;
  }

  private static String leafNodes(List<ClusterNode> nodes, String leaf) {
    return nodes.stream().filter(n -> leaf.equals(n.labels().get(Keys.LABEL_LEGACY_LEAF))).map(ClusterNode::name)
        .collect(Collectors.joining(","));
  }

  private static List<Pod> members(GangJob job) {
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < job.size(); i++) {
      pods.add(new PodBuilder()
          .withNewMetadata().withName(job.name() + "-" + i).withNamespace("demo")
          .withUid("uid-" + job.name() + "-" + i)
          .addToAnnotations(Keys.GANG, job.name()).addToAnnotations(Keys.GANG_SIZE, Integer.toString(job.size()))
          .endMetadata()
          .withNewSpec().withSchedulerName("topogpu").addNewContainer().withName("train")
          .withImage("registry.example/train:latest").withNewResources()
          .addToLimits(Keys.RESOURCE_GPU, new Quantity(Integer.toString(job.gpus()))).endResources()
          .endContainer().endSpec()
          .withNewStatus().withPhase("Pending").endStatus().build());
    }
    return pods;
  }

  private static String firstReason(List<Outcome> outcomes) {
    for (Outcome o : outcomes) {
      if (o instanceof Outcome.Unschedulable u) {
        TreeSet<String> reasons = new TreeSet<>(u.unresolvable().values());
        reasons.addAll(u.failed().values());
        return String.join("; ", reasons);
      }
      if (o instanceof Outcome.Failed f) {
        return f.error();
      }
    }
    return "";
  }

  private static String key(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }
}
