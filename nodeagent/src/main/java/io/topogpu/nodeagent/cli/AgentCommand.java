package io.topogpu.nodeagent.cli;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.topogpu.nodeagent.agent.AgentHealth;
import io.topogpu.nodeagent.agent.AgentHttp;
import io.topogpu.nodeagent.agent.AgentMetrics;
import io.topogpu.nodeagent.agent.NodeAgent;
import io.topogpu.nodeagent.agent.ProbeCycle;
import io.topogpu.nodeagent.discovery.NvmlDiscovery;
import io.topogpu.nodeagent.nvml.JnaNvml;
import io.topogpu.nodeagent.publish.Backoff;
import io.topogpu.nodeagent.publish.Fabric8NodeAnnotations;
import io.topogpu.nodeagent.publish.Publisher;
import io.topogpu.nodeagent.publish.RequestPacer;
import io.topogpu.nodeagent.publish.RetryPolicy;
import io.topogpu.nodeagent.publish.Sleeper;
import io.topogpu.topology.Keys;
import io.topogpu.nodeagent.discovery.Probe;
import io.topogpu.nodeagent.health.CriticalXids;
import io.topogpu.nodeagent.health.HealthTracker;
import io.topogpu.nodeagent.health.XidWatcher;
import io.topogpu.nodeagent.plugin.GrantSettings;
import io.topogpu.nodeagent.plugin.Inventory;
import io.topogpu.nodeagent.plugin.grpc.DeviceFeed;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkMatrix;
import io.topogpu.topology.model.NodeTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code topogpu agent}: the DaemonSet process. Wires NVML discovery, the publisher and the HTTP
 * surface, then runs until the JVM is asked to stop. NVML being unreachable does not stop it: it
 * keeps the last published topology, marks it stale and reports unhealthy on {@code /healthz}.
 * Exits 2 at start-up for bad settings (no node name, a non-positive interval or rate).
 */
@Command(name = "agent", description = "Probe the GPUs, publish topogpu.io/topology on this node, serve /healthz and /metrics;"
    + " with --device-plugin also be the kubelet's device plugin for the GPUs.")
public final class AgentCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(AgentCommand.class);

  /** Retry policy for API calls: 5 attempts, 200 ms doubling to at most 30 s, with jitter. */
  static final int MAX_ATTEMPTS = 5;
  static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--node-name", paramLabel = "NAME",
      description = "node to annotate; default: the NODE_NAME environment variable (downward API)")
  String nodeName;

  @Option(names = "--nvml-lib", paramLabel = "PATH", defaultValue = JnaNvml.DEFAULT_LIBRARY,
      description = "NVML library; default ${DEFAULT-VALUE}")
  String nvmlLib;

  @Option(names = "--interval-seconds", paramLabel = "S", defaultValue = "60",
      description = "seconds between probes; default ${DEFAULT-VALUE}")
  int intervalSeconds;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "9402",
      description = "port of /healthz, /metrics and POST /probe; default ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--qps", paramLabel = "N", defaultValue = "5",
      description = "client rate limit, API requests per second; default ${DEFAULT-VALUE}")
  double qps;

  @Option(names = "--device-plugin", negatable = true, defaultValue = "false",
      description = "also serve the kubelet device-plugin API for nvidia.com/gpu, nvidia.com/mig-*, topogpu.io/gpu-milli; default ${DEFAULT-VALUE}")
  boolean devicePlugin;

  @Option(names = "--device-plugin-dir", paramLabel = "DIR", defaultValue = "/var/lib/kubelet/device-plugins",
      description = "kubelet's device-plugin folder (holds kubelet.sock); default ${DEFAULT-VALUE}")
  Path devicePluginDir;

  @Option(names = "--pod-resources-socket", paramLabel = "PATH", defaultValue = "/var/lib/kubelet/pod-resources/kubelet.sock",
      description = "kubelet's PodResources socket; default ${DEFAULT-VALUE}")
  Path podResourcesSocket;

  @Option(names = "--cdi-kind", paramLabel = "KIND",
      description = "also return CDI device names KIND=<uuid> at Allocate, e.g. nvidia.com/gpu; default: environment only")
  String cdiKind;

  @Option(names = "--critical-xids", paramLabel = "XID", split = ",",
      description = "XIDs that make a GPU unhealthy; default: 48,62,63,64,74,79,92,94,95,119,120,140 (docs/nodeagent.md)")
  List<Long> criticalXids;

  @Option(names = "--xid-recovery-seconds", paramLabel = "S", defaultValue = "300",
      description = "a GPU with a critical XID is healthy again at the first probe this long after its latest one;"
          + " default ${DEFAULT-VALUE}")
  int xidRecoverySeconds;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "kubeconfig to reach the API server; default: in-cluster config, or KUBECONFIG / ~/.kube/config")
  Path kubeconfig;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String node = nodeName != null ? nodeName : System.getenv(Keys.ENV_NODE_NAME);
    if (node == null || node.isBlank()) {
      return badInput("no node name: set the " + Keys.ENV_NODE_NAME + " environment variable or --node-name");
    }
    if (intervalSeconds < 1) {
      return badInput("--interval-seconds must be >= 1, got " + intervalSeconds);
    }
    if (!(qps > 0)) {
      return badInput("--qps must be > 0, got " + qps);
    }
    if (xidRecoverySeconds < 0) {
      return badInput("--xid-recovery-seconds must be >= 0, got " + xidRecoverySeconds);
    }
    CriticalXids xids;
    try {
      xids = criticalXids == null ? CriticalXids.DEFAULT : new CriticalXids(Set.copyOf(criticalXids));
    } catch (IllegalArgumentException e) {
      return badInput("--critical-xids: " + e.getMessage());
    }
    GrantSettings grants;
    try {
      grants = new GrantSettings(Optional.ofNullable(cdiKind));
    } catch (IllegalArgumentException e) {
      return badInput("--cdi-kind: " + e.getMessage());
    }
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      return badInput("--kubeconfig: cannot read " + kubeconfig);
    }
    if (devicePlugin && !Files.isDirectory(devicePluginDir)) {
      return badInput("--device-plugin-dir: not a directory: " + devicePluginDir);
    }
    Config base = kubeconfig == null ? Config.autoConfigure(null) : Config.fromKubeconfig(Files.readString(kubeconfig));
    Config config = new ConfigBuilder(base)
        .withRequestRetryBackoffLimit(0) // RetryPolicy is the one retry loop; fabric8's would stack on it
        .build();
    AgentHealth health = new AgentHealth();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AgentMetrics metrics = new AgentMetrics(registry, health);
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      Fabric8NodeAnnotations annotations =
          new Fabric8NodeAnnotations(client, node, new RequestPacer(qps, System::nanoTime, Sleeper.REAL));
      RetryPolicy retry = new RetryPolicy(MAX_ATTEMPTS, BACKOFF, annotations::isTransient, Sleeper.REAL,
          () -> ThreadLocalRandom.current().nextDouble());
      Publisher publisher = new Publisher(annotations, retry, Clock.systemUTC());
      JnaNvml nvml = new JnaNvml(nvmlLib); // one binding, initialised and shut down by every probe
      DeviceFeed feed = new DeviceFeed(new Inventory(new NodeTopology(List.of(), LinkMatrix.of(new Link[0][0]), List.of(), null)));
      HealthTracker tracker = new HealthTracker(xids, Duration.ofSeconds(xidRecoverySeconds), Clock.systemUTC());
      Supplier<Probe> prober = () -> {
        try {
          HealthTracker.Applied applied = tracker.apply(NvmlDiscovery.probe(nvml));
          applied.changes().forEach(c -> LOG.warn("GPU health changed: {}", kv("change", c)));
          Probe p = applied.probe();
          feed.update(new Inventory(p.topology()));
          return p;
        } catch (RuntimeException e) {
          feed.update(feed.inventory().allUnhealthy("nvml-unreachable"));
          throw e;
        }
      };
      ProbeCycle cycle = new ProbeCycle(prober, publisher, health, metrics);
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "topogpu-agent-shutdown"));
      try (NodeAgent agent = new NodeAgent(cycle, Duration.ofSeconds(intervalSeconds));
          AgentHttp http = AgentHttp.start(port, health, registry, agent::probeNow);
          XidWatcher xidWatcher = new XidWatcher(new JnaNvml(nvmlLib), tracker, agent::probeNow,
              Duration.ofSeconds(intervalSeconds), registry);
          DevicePlugin plugin = devicePlugin ? DevicePlugin.start(client, node, registry, feed, devicePluginDir,
              podResourcesSocket, grants) : null) {
        LOG.info("agent started: {} {} {} {}", kv("node", node), kv("nvmlLibrary", nvmlLib),
            kv("intervalSeconds", intervalSeconds), kv("port", http.port()),
            kv("devicePluginDir", devicePlugin ? devicePluginDir.toString() : "off"));
        agent.start();
        xidWatcher.start();
        stop.await();
      }
    }
    return NodeAgentMain.EXIT_OK;
  }

  private int badInput(String message) {
    spec.commandLine().getErr().println("topogpu agent: " + message);
    return NodeAgentMain.EXIT_BAD_INPUT;
  }
}
