package io.topogpu.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.topogpu.topology.Keys;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of the shipped Grafana dashboard names a metric that the extender or the node agent
 * really exports. Both run as processes through the image's entrypoint class: the extender on the
 * example snapshot, the agent against the fake libnvidia-ml.so.1 and a mock API server; a filter
 * call gives the extender's per-request series their first samples. Both {@code /metrics} are then
 * scraped over HTTP and the metric names each PromQL expression reads are looked up in what came
 * back. DCGM exporter metrics are not topogpu's: they must be the documented ones.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class DashboardMetricsIT {
  private static final Path ROOT = Path.of("..");
  private static final Path DASHBOARD = ROOT.resolve("manifests/grafana/topogpu-dashboard.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern SAMPLE_NAME = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);

  KubernetesMockServer server;
  KubernetesClient client;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
      p.waitFor();
    }
  }

  @Test
  void everyDashboardQueryNamesAnExportedMetric(@TempDir Path dir) throws Exception {
    Path fakeNvml = Path.of(System.getProperty("topogpu.fakeNvmlDir", "../nodeagent/target/native"), "libnvidia-ml.so.1")
        .toAbsolutePath();
    assumeTrue(Files.isRegularFile(fakeNvml), "fake NVML library " + fakeNvml + " was not built (gcc not found?): skipping");
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("gpu-node-1").endMetadata().build()).create();

    int agentPort = freePort();
    start(dir.resolve("agent.log"), Map.of(
        "KUBERNETES_MASTER", client.getConfiguration().getMasterUrl(),
        "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
        "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false",
        "FAKE_NVML_MACHINE", ROOT.resolve("nodeagent/src/test/resources/machines/a100-80gb-mig-refused.machine")
            .toAbsolutePath().toString()),
        "agent", "--node-name=gpu-node-1", "--nvml-lib=" + fakeNvml, "--port=" + agentPort, "--interval-seconds=60");
    int apiPort = freePort();
    int opsPort = freePort();
    start(dir.resolve("extender.log"), Map.of(), "extender",
        "--snapshot=" + ROOT.resolve("config/examples/snapshot-mixed.json").toAbsolutePath(),
        "--port=" + apiPort, "--ops-port=" + opsPort);

    String agentMetrics = await("http://127.0.0.1:" + agentPort + "/metrics", "topogpu_agent_publishes_total", dir);
    assertThat(client.nodes().withName("gpu-node-1").get().getMetadata().getAnnotations()).containsKey(Keys.TOPOLOGY);
    await("http://127.0.0.1:" + opsPort + "/readyz", "ready", dir);
    HttpResponse<String> filter = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
        + "/scheduler/filter")).POST(HttpRequest.BodyPublishers.ofString(filterRequest())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(filter.statusCode()).isEqualTo(200);
    String extenderMetrics = await("http://127.0.0.1:" + opsPort + "/metrics", "topogpu_extender_rejections_total", dir);

    Set<String> exported = new TreeSet<>();
    for (String scrape : List.of(agentMetrics, extenderMetrics)) {
      Matcher m = SAMPLE_NAME.matcher(scrape);
      while (m.find()) {
        exported.add(m.group(1));
      }
    }
    String adminGuide = Files.readString(ROOT.resolve("docs/admin-guide.md"));
    Map<String, Set<String>> missing = new TreeMap<>();
    int queries = 0;
    for (JsonNode panel : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        queries++;
        Set<String> names = PromqlNames.of(expr);
        if (!expr.startsWith("vector(")) {
          assertThat(names).as("panel '%s' query %s reads a metric", panel.path("title").asText(), expr).isNotEmpty();
        }
        for (String name : names) {
          boolean known = name.startsWith("DCGM_") ? adminGuide.contains("`" + name + "`") : exported.contains(name);
          if (!known) {
            missing.computeIfAbsent(panel.path("title").asText(), t -> new TreeSet<>()).add(name);
          }
        }
      }
    }
    assertThat(queries).isGreaterThanOrEqualTo(12);
    assertThat(missing).as("metrics the dashboard reads that neither process exports (or undocumented DCGM ones)")
        .isEmpty();
  }

  /** An 8-GPU pod on every node of the snapshot: some take it, others reject it with a reason. */
  private static String filterRequest() throws IOException {
    JsonNode snapshot = JSON.readTree(ROOT.resolve("config/examples/snapshot-mixed.json").toFile());
    ObjectNode args = JSON.createObjectNode();
    ObjectNode pod = args.putObject("Pod");
    pod.putObject("metadata").put("name", "probe-8gpu").put("namespace", "ml").put("uid", "u-probe-8gpu");
    ObjectNode spec = pod.putObject("spec");
    spec.put("schedulerName", "topogpu");
    spec.putArray("containers").addObject().put("name", "c").put("image", "x").putObject("resources")
        .putObject("limits").put(Keys.RESOURCE_GPU, "8");
    var names = args.putArray("NodeNames");
    for (JsonNode item : snapshot.path("items")) {
      if (item.path("kind").asText().equals("Node")) {
        names.add(item.at("/metadata/name").asText());
      }
    }
    return JSON.writeValueAsString(args);
  }

  private void start(Path log, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), TopogpuMain.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    processes.add(pb.start());
  }

  /** GETs {@code url} until the body contains {@code expected} (30 s), then returns the body. */
  private String await(String url, String expected, Path dir) throws Exception {
    String last = "";
    for (int i = 0; i < 300; i++) {
      try {
        last = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        if (last.contains(expected)) {
          return last;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    StringBuilder logs = new StringBuilder();
    for (File f : dir.toFile().listFiles((d, n) -> n.endsWith(".log"))) {
      logs.append("\n--- ").append(f.getName()).append('\n').append(Files.readString(f.toPath()));
    }
    throw new AssertionError(url + " never answered with " + expected + "; last: " + last + logs);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
