package io.topogpu.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.netty.channel.EventLoopGroup;
import io.topogpu.e2e.harness.KubeCluster;
import io.topogpu.e2e.harness.KubeletNode;
import io.topogpu.nodeagent.plugin.KubeletAllocations;
import io.topogpu.nodeagent.plugin.grpc.PodResourcesClient;
import io.topogpu.nodeagent.plugin.grpc.UnixSockets;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.topology.Keys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pods on the real kubelet node, checked as they run and when they end: while a container runs,
 * PodResources must list exactly the devices {@code topogpu.io/gpus} recorded; when it has ended,
 * the {@code NVIDIA_VISIBLE_DEVICES} it printed must name exactly them. Finished pods are deleted.
 * A pod the kubelet refused at admission ({@code UnexpectedAdmissionError}: no device plugin
 * answered) is a mismatch unless the run {@linkplain #tolerateAdmissionRefusals tolerates} it.
 */
public final class AdmissionRun implements AutoCloseable {
  static final Pattern VISIBLE = Pattern.compile("NVIDIA_VISIBLE_DEVICES=(\\S*)");
  public static final String ADMISSION_REFUSED = "UnexpectedAdmissionError";

  private final KubeCluster cluster;
  private final KubeletNode node;
  private final EventLoopGroup group = UnixSockets.newGroup(1);
  private final PodResourcesClient podResources;
  private final Map<String, Pod> inFlight = new LinkedHashMap<>();
  private final Set<String> tolerated = new TreeSet<>();
  public final List<String> mismatches = new ArrayList<>();
  public final Set<String> listedInPodResources = new TreeSet<>();
  public final Set<String> succeeded = new TreeSet<>();
  public final Set<String> refusedAtAdmission = new TreeSet<>();
  /** What {@code topogpu.io/gpus} recorded, for every pod that ended. */
  public final Map<String, Assignment> chosen = new LinkedHashMap<>();

  public AdmissionRun(KubeCluster cluster, KubeletNode node) {
    this.cluster = cluster;
    this.node = node;
    this.podResources = new PodResourcesClient(node.podResourcesSocket(), group,
        r -> r.startsWith("nvidia.com/") || r.equals(Keys.RESOURCE_GPU_MILLI));
  }

  public void create(List<Pod> pods) {
    for (Pod p : pods) {
      cluster.create(p);
      inFlight.put(p.getMetadata().getName(), p);
    }
  }

  /** These pods may end refused at admission (created while no device plugin served). */
  public void tolerateAdmissionRefusals(List<Pod> pods) {
    pods.forEach(p -> tolerated.add(p.getMetadata().getName()));
  }

  public int inFlight() {
    return inFlight.size();
  }

  public int ended() {
    return succeeded.size() + refusedAtAdmission.size() + mismatches.size();
  }

  public KubeletAllocations podResources() {
    return podResources.get();
  }

  /** One look at every pod in flight: checks the running ones, checks and deletes the ended ones. */
  public void poll() {
    KubeletAllocations listed = null;
    for (String name : new ArrayList<>(inFlight.keySet())) {
      Pod p = cluster.pod("default", name);
      String phase = p.getStatus() == null ? "" : String.valueOf(p.getStatus().getPhase());
      if ("Running".equals(phase) && !listedInPodResources.contains(name)) {
        listed = listed == null ? podResources.get() : listed;
        if (checkPodResources(p, listed)) {
          listedInPodResources.add(name);
        }
      }
      if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
        checkEnded(p);
        cluster.delete("default", name);
        inFlight.remove(name);
      }
    }
  }

  /** Polls until no pod is in flight. */
  public void drain(java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!inFlight.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("pods still in flight after " + timeout + ": " + inFlight.keySet() + "\n"
            + cluster.logs(30));
      }
      poll();
      io.topogpu.e2e.harness.Wait.sleep(200);
    }
  }

  private void checkEnded(Pod p) {
    String name = p.getMetadata().getName();
    String key = "default/" + name;
    if ("Failed".equals(p.getStatus().getPhase()) && ADMISSION_REFUSED.equals(p.getStatus().getReason())
        && tolerated.contains(name)) {
      String log = node.containerLog("default", name, p.getMetadata().getUid(), "train");
      if (!log.isEmpty()) {
        mismatches.add(key + " was refused at admission but its container ran: " + log.lines().findFirst().orElse(""));
      } else {
        refusedAtAdmission.add(name);
      }
      return;
    }
    if (!"Succeeded".equals(p.getStatus().getPhase())) {
      mismatches.add(key + " ended " + p.getStatus().getPhase() + ": " + p.getStatus().getReason() + " "
          + p.getStatus().getMessage());
      return;
    }
    String log = node.containerLog("default", name, p.getMetadata().getUid(), "train");
    Matcher m = VISIBLE.matcher(log);
    Assignment a = Allocations.fromPod(p).orElse(null);
    if (a != null) {
      chosen.put(name, a);
    }
    if (a == null || !m.find()) {
      mismatches.add(key + ": annotation " + a + ", environment "
          + (log.isEmpty() ? "(no log)" : "without NVIDIA_VISIBLE_DEVICES"));
      return;
    }
    Set<String> visible = new TreeSet<>(List.of(m.group(1).split(",")));
    if (!visible.equals(expectedVisible(a))) {
      mismatches.add(key + ": NVIDIA_VISIBLE_DEVICES " + visible + ", topogpu.io/gpus " + expectedVisible(a));
      return;
    }
    if (a.isShare() && !log.contains(Keys.ENV_GPU_MILLI + "=" + a.milli())) {
      mismatches.add(key + ": share of " + a.milli() + " without " + Keys.ENV_GPU_MILLI + "=" + a.milli());
      return;
    }
    succeeded.add(name);
  }

  /**
   * While the container runs, PodResources lists for it exactly the devices recorded (a share: units
   * of its GPU). Returns whether it was listed (a container that already exited is not).
   */
  public boolean checkPodResources(Pod p, KubeletAllocations listed) {
    String key = "default/" + p.getMetadata().getName();
    Assignment a = Allocations.fromPod(p).orElse(null);
    Map<String, List<String>> held = listed.pods().getOrDefault(key, Map.of()).getOrDefault("train", Map.of());
    if (held.isEmpty()) {
      return false;
    }
    if (a == null) {
      mismatches.add(key + ": PodResources lists " + held + ", no topogpu.io/gpus");
      return true;
    }
    Set<String> devices = new TreeSet<>();
    held.values().forEach(devices::addAll);
    if (a.isShare()) {
      String gpu = a.gpuUuids().get(0);
      if (devices.size() != a.milli() || !devices.stream().allMatch(d -> d.startsWith(gpu + "::"))) {
        mismatches.add(key + ": share of " + a.milli() + " on " + gpu + ", PodResources " + devices.size()
            + " units " + devices.stream().limit(2).toList());
      }
    } else if (!devices.equals(expectedVisible(a))) {
      mismatches.add(key + ": PodResources " + devices + ", topogpu.io/gpus " + expectedVisible(a));
    }
    return true;
  }

  /** The UUIDs the container should see: the GPUs, or the MIG instances, recorded at bind. */
  public static Set<String> expectedVisible(Assignment a) {
    Set<String> out = new TreeSet<>(a.gpuUuids());
    for (MigSlot m : a.mig()) {
      out.add(m.uuid());
    }
    return out;
  }

  @Override
  public void close() {
    podResources.close();
    group.shutdownGracefully();
  }
}
