package io.topogpu.e2e.harness;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.topogpu.topology.Keys;
import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.NodeTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real cluster for one test class: etcd and kube-apiserver, the project's manifests applied
 * (namespaces, service accounts, RBAC), and on demand the topogpu extender and a kube-scheduler
 * that calls it, each running under the token of the service account the manifests give it, with
 * the shipped configuration files. Nodes are Node objects (no kubelet) carrying the topology
 * annotation and the allocatable a device plugin would advertise.
 */
public final class KubeCluster implements AutoCloseable {
  public static final String SYSTEM_NAMESPACE = "topogpu-system";
  public static final String SCHEDULER_ACCOUNT = "topogpu-scheduler";
  public static final String AGENT_ACCOUNT = "topogpu-node-agent";
  static final String EXTENDER_MAIN = "io.topogpu.scheduler.cli.SchedulerMain";
  static final String AGENT_MAIN = "io.topogpu.nodeagent.cli.NodeAgentMain";

  private final ControlPlane control;
  private final Path dir;
  private final List<String> skippedKinds;
  private final List<ManagedProcess> processes = new ArrayList<>();
  private ManagedProcess extender;
  private int extenderPort;
  private KubeletNode kubeletNode;

  private KubeCluster(ControlPlane control, Path dir, List<String> skippedKinds) {
    this.control = control;
    this.dir = dir;
    this.skippedKinds = skippedKinds;
  }

  /** Starts the control plane under {@code target/e2e/<name>} and applies the manifests. */
  public static KubeCluster start(KubeBinaries bin, String name) {
    Path dir = Repo.path("e2e/target/e2e").resolve(name + "-" + System.currentTimeMillis());
    ControlPlane control = ControlPlane.start(bin, dir);
    try {
      List<String> skipped = Manifests.apply(control.admin(), Repo.path("manifests/scheduler"),
          Repo.path("manifests/nodeagent"));
      control.admin().serviceAccounts().inNamespace("default").resource(
          new io.fabric8.kubernetes.api.model.ServiceAccountBuilder().withNewMetadata().withName("default")
              .endMetadata().build()).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
      return new KubeCluster(control, dir, skipped);
    } catch (RuntimeException e) {
      control.close();
      throw e;
    }
  }

  public KubernetesClient admin() {
    return control.admin();
  }

  public ControlPlane controlPlane() {
    return control;
  }

  /** Objects of the manifests this API server does not serve (and so were not applied). */
  public List<String> skippedKinds() {
    return skippedKinds;
  }

  /** A bound token of service account {@code topogpu-system/account}. */
  public String tokenOf(String account) {
    return control.serviceAccountToken(SYSTEM_NAMESPACE, account);
  }

  /** The kubeconfig of service account {@code topogpu-system/account}. */
  public Path kubeconfigOf(String account) {
    return control.kubeconfig(account, tokenOf(account));
  }

  // ---- topogpu extender -------------------------------------------------------------------------

  /** Starts {@code topogpu extender} (child JVM) under the scheduler's account with the shipped policy; waits for /readyz. */
  public ManagedProcess startExtender() {
    if (extenderPort == 0) {
      extenderPort = Ports.free();
    }
    Path kubeconfig = kubeconfigOf(SCHEDULER_ACCOUNT);
    extender = JavaProcess.start("extender", EXTENDER_MAIN, JavaProcess.extenderJvmOptions(), List.of("extender", "--kubeconfig",
        kubeconfig.toString(), "--port", Integer.toString(extenderPort), "--config",
        Repo.path("config/policy.yaml").toString()), Map.of(), dir.resolve("logs/extender.log"), "768m");
    processes.add(extender);
    awaitExtenderReady();
    return extender;
  }

  /** SIGKILL of the extender (no shutdown hook, no drain): what a crashed or OOM-killed pod sees. */
  public void killExtender() {
    extender.kill();
  }

  public int extenderPort() {
    return extenderPort;
  }

  public String extenderUrlPrefix() {
    return "http://127.0.0.1:" + extenderPort + "/scheduler";
  }

  /** The extender's /readyz status code, or -1 when nothing answers. */
  public int extenderReadyz() {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + extenderPort + "/readyz")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The extender's Prometheus text. */
  public String extenderMetrics() {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + extenderPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitExtenderReady() {
    ManagedProcess e = extender;
    try {
      Wait.until(Duration.ofSeconds(60), "the extender's /readyz", () -> {
        e.requireAlive();
        return extenderReadyz() == 200;
      });
    } catch (AssertionError failure) {
      throw new AssertionError(failure.getMessage() + "\n" + e.tail(40), failure);
    }
  }

  // ---- kube-scheduler ---------------------------------------------------------------------------

  /**
   * Starts kube-scheduler with the shipped configuration (in its v1beta1 form) under the
   * scheduler's service account, calling the extender at {@code extenderUrlPrefix}, or with no
   * extender when that is null.
   */
  public ManagedProcess startKubeScheduler(KubeBinaries bin, String extenderUrlPrefix) {
    return startKubeScheduler(bin, extenderUrlPrefix, 0);
  }

  /** As {@link #startKubeScheduler(KubeBinaries, String)}, its API client allowed {@code qps} (0: the default). */
  public ManagedProcess startKubeScheduler(KubeBinaries bin, String extenderUrlPrefix, int qps) {
    Path kubeconfig = kubeconfigOf(SCHEDULER_ACCOUNT);
    String config = SchedulerConfigs.v1beta1(Repo.path("config/kube-scheduler-config.yaml"), extenderUrlPrefix,
        kubeconfig, qps);
    Path file = dir.resolve(extenderUrlPrefix == null ? "kube-scheduler-alone.yaml" : "kube-scheduler.yaml");
    try {
      Files.writeString(file, config, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ManagedProcess p = ManagedProcess.start("kube-scheduler", List.of(bin.scheduler().toString(),
        "--config=" + file, "--port=0", "--secure-port=0", "--v=2"), Map.of(),
        dir.resolve("logs/kube-scheduler.log"));
    processes.add(p);
    return p;
  }

  /** kube-scheduler with the topogpu extender this cluster started. */
  public ManagedProcess startKubeScheduler(KubeBinaries bin) {
    return startKubeScheduler(bin, extenderUrlPrefix());
  }

  // ---- node agent -------------------------------------------------------------------------------

  /**
   * Starts {@code topogpu agent} for {@code node} under the agent's service account, NVML being the
   * fake library answering from {@code machineFile}.
   */
  public ManagedProcess startAgent(String node, Path fakeNvml, Path machineFile, List<String> extraArgs) {
    return startAgent(node, fakeNvml, machineFile, extraArgs, Map.of());
  }

  /** As {@link #startAgent(String, Path, Path, List)}, with more environment (e.g. {@code FAKE_NVML_HEALTH}). */
  public ManagedProcess startAgent(String node, Path fakeNvml, Path machineFile, List<String> extraArgs,
      Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("KUBECONFIG", kubeconfigOf(AGENT_ACCOUNT).toString());
    all.put("FAKE_NVML_MACHINE", machineFile.toString());
    List<String> args = new ArrayList<>(List.of("agent", "--node-name", node, "--nvml-lib", fakeNvml.toString(),
        "--port", Integer.toString(Ports.free()), "--interval-seconds", "2"));
    args.addAll(extraArgs);
    ManagedProcess p = JavaProcess.start("agent-" + node, AGENT_MAIN, args,
        all, dir.resolve("logs/agent-" + node + ".log"), "256m");
    processes.add(p);
    return p;
  }

  // ---- a real node ---------------------------------------------------------------------------

  /** Starts containerd and a kubelet registering node {@link KubeletNode#NAME}. */
  public KubeletNode startKubeletNode(KubeBinaries bin) {
    kubeletNode = KubeletNode.start(bin, control);
    return kubeletNode;
  }

  // ---- nodes ------------------------------------------------------------------------------------

  /** A Node object with {@code topology}'s annotation and a device plugin's allocatable; no kubelet. */
  public Node node(String name, NodeTopology topology, Map<String, String> labels) {
    Node created = admin().nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
        .addToLabels("kubernetes.io/hostname", name).addToLabels(labels)
        .addToAnnotations(Keys.TOPOLOGY, TopologyCodec.encode(topology)).endMetadata().build()).create();
    Map<String, Quantity> allocatable = allocatable(topology);
    created.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder().withCapacity(allocatable)
        .withAllocatable(allocatable)
        .addNewCondition().withType("Ready").withStatus("True").withReason("E2E")
        .withLastHeartbeatTime(java.time.Instant.now().toString())
        .withLastTransitionTime(java.time.Instant.now().toString()).endCondition()
        .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress().build());
    Node updated = admin().nodes().resource(created).updateStatus();
    awaitExtenderSees(name);
    return updated;
  }

  /**
   * Best effort, at most 10 s: until the running extender lists {@code node} in its metrics. A pod
   * filtered before the extender's watch delivers a new node is answered "node not in topogpu's
   * cache", and kube-scheduler 1.20 then parks it for up to 60 s; in a cluster node heartbeats end
   * that wait, here nothing would.
   */
  private void awaitExtenderSees(String node) {
    if (extender == null || !extender.alive()) {
      return;
    }
    String row = "topogpu_node_gpus{node=\"" + node + "\"";
    try {
      Wait.until(Duration.ofSeconds(10), "the extender to see node " + node,
          () -> extenderMetrics().lines().anyMatch(l -> l.startsWith(row)));
    } catch (AssertionError e) {
      // a node the extender does not list in this metric: tests then see what kube-scheduler does
    }
  }

  /**
   * What NVIDIA's or topogpu's device plugin advertises for {@code t} (MIG strategy "mixed"): one
   * {@code nvidia.com/gpu} per GPU not in MIG mode, one {@code nvidia.com/mig-<profile>} per MIG
   * instance; plus CPU, memory and pods so that kube-scheduler's own fit passes.
   */
  public static Map<String, Quantity> allocatable(NodeTopology t) {
    Map<String, Quantity> a = new TreeMap<>();
    int whole = 0;
    Map<String, Integer> mig = new TreeMap<>();
    for (Gpu g : t.gpus()) {
      if (g.mig().enabled()) {
        for (MigInstance m : g.mig().instances()) {
          mig.merge(Keys.RESOURCE_MIG_PREFIX + m.profile(), 1, Integer::sum);
        }
      } else {
        whole++;
      }
    }
    a.put(Keys.RESOURCE_GPU, new Quantity(Integer.toString(whole)));
    mig.forEach((k, v) -> a.put(k, new Quantity(Integer.toString(v))));
    a.put("cpu", new Quantity("128"));
    a.put("memory", new Quantity("1024Gi"));
    a.put("pods", new Quantity("250"));
    return a;
  }

  // ---- pods -------------------------------------------------------------------------------------

  public Pod create(Pod pod) {
    return admin().pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
  }

  public Pod pod(String namespace, String name) {
    return admin().pods().inNamespace(namespace).withName(name).get();
  }

  /** Deletes with grace period 0: no kubelet runs to finish a graceful delete. */
  public void delete(String namespace, String name) {
    admin().pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
  }

  /** Waits until the pod is bound and returns it. */
  public Pod awaitBound(String namespace, String name, Duration timeout) {
    Wait.until(timeout, "pod " + namespace + "/" + name + " bound", () -> {
      Pod p = pod(namespace, name);
      return p != null && p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty();
    });
    return pod(namespace, name);
  }

  /** Deletes every pod of namespace {@code default} (grace period 0) and every Node object, and waits until both are gone. */
  public void reset() {
    admin().pods().inNamespace("default").withGracePeriod(0).delete();
    Wait.until(Duration.ofSeconds(30), "pods gone", () -> admin().pods().inNamespace("default").list().getItems()
        .isEmpty());
    // Pods and nodes reach the extender through two watches: a node deleted and made again at once
    // could be seen before its old pods' deletions, and rightly count them. Wait for the ledger first.
    if (extender != null && extender.alive()) {
      Wait.until(Duration.ofSeconds(30), "the extender's ledger empty", () -> extenderMetrics().lines()
          .filter(l -> l.startsWith("topogpu_node_gpus{") && l.contains("state=\"allocated\""))
          .allMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == 0));
    }
    admin().nodes().withGracePeriod(0).delete();
    Wait.until(Duration.ofSeconds(30), "nodes gone", () -> admin().nodes().list().getItems().isEmpty());
  }

  /** The tails of every process's log, for a failure message. */
  public String logs(int lines) {
    StringBuilder b = new StringBuilder();
    for (ManagedProcess p : processes) {
      b.append(p.tail(lines)).append("\n");
    }
    return b.toString();
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
    if (kubeletNode != null) {
      kubeletNode.close();
    }
    control.close();
  }
}
