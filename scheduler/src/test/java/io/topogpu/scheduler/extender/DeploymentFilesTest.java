package io.topogpu.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.topogpu.topology.Keys;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kube-scheduler configuration ({@code config/}) and the scheduler manifests ({@code
 * manifests/scheduler/}) parse, and agree with the extender's code: the URL and verbs with {@link
 * Routes}, the probes with the health paths, the embedded config with its source file, and the
 * extender's RBAC with the calls it makes.
 */
class DeploymentFilesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path ROOT = repositoryRoot();
  private static final Path SCHEDULER_CONFIG = ROOT.resolve("config/kube-scheduler-config.yaml");
  private static final Path MANIFESTS = ROOT.resolve("manifests/scheduler");

  /** Maven runs tests in the module folder; the deployment files live at the repository root. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("manifests")) && Files.isDirectory(dir.resolve("config"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no repository root with config/ and manifests/ above " + Path.of("").toAbsolutePath());
  }

  private static List<JsonNode> documents(Path file) {
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      List<JsonNode> docs = new ArrayList<>();
      YAML.readValues(parser, JsonNode.class)
          .forEachRemaining(
              doc -> {
                if (doc != null && !doc.isNull()) {
                  docs.add(doc);
                }
              });
      return docs;
    } catch (IOException e) {
      throw new AssertionError(file + " does not parse: " + e.getMessage(), e);
    }
  }

  private static JsonNode only(String kind, String name) {
    List<JsonNode> found = new ArrayList<>();
    for (Path file : yamlFiles(MANIFESTS)) {
      for (JsonNode doc : documents(file)) {
        if (doc.path("kind").asText().equals(kind)
            && doc.path("metadata").path("name").asText().equals(name)) {
          found.add(doc);
        }
      }
    }
    assertThat(found).as("%s %s in manifests/scheduler", kind, name).hasSize(1);
    return found.get(0);
  }

  private static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(item -> out.add(item.asText()));
    return out;
  }

  private static JsonNode container(JsonNode deployment, String name) {
    for (JsonNode c : deployment.at("/spec/template/spec/containers")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no container " + name);
  }

  @Test
  void everyYamlFileUnderConfigAndManifestsParsesAndEveryObjectIsNamed() {
    List<Path> files = new ArrayList<>(yamlFiles(ROOT.resolve("config")));
    files.addAll(yamlFiles(ROOT.resolve("manifests")));
    List<String> problems = new ArrayList<>();
    for (Path file : files) {
      for (JsonNode doc : documents(file)) {
        boolean kubernetesObject =
            file.startsWith(ROOT.resolve("manifests"))
                && !"Kustomization".equals(doc.path("kind").asText());
        if (kubernetesObject
            && (doc.path("apiVersion").asText().isEmpty()
                || doc.path("kind").asText().isEmpty()
                || doc.path("metadata").path("name").asText().isEmpty())) {
          problems.add(
              ROOT.relativize(file) + ": an object without apiVersion, kind or metadata.name");
        }
      }
    }
    assertThat(files).isNotEmpty();
    assertThat(problems).isEmpty();
  }

  @Test
  void kubeSchedulerCallsTheExtenderRoutesOnLoopback() {
    JsonNode config = documents(SCHEDULER_CONFIG).get(0);
    JsonNode extender = config.get("extenders").get(0);

    assertThat(config.get("apiVersion").asText()).isEqualTo("kubescheduler.config.k8s.io/v1");
    assertThat(config.get("kind").asText()).isEqualTo("KubeSchedulerConfiguration");
    assertThat(config.at("/profiles/0/schedulerName").asText()).isEqualTo("topogpu");
    assertThat(config.get("extenders")).hasSize(1);
    assertThat(extender.get("urlPrefix").asText())
        .isEqualTo(
            "http://"
                + ExtenderServerOptions.DEFAULT_HOST
                + ":"
                + ExtenderServerOptions.DEFAULT_PORT
                + Routes.PREFIX);
    assertThat(extender.get("filterVerb").asText()).isEqualTo(Routes.FILTER_VERB);
    assertThat(extender.get("prioritizeVerb").asText()).isEqualTo(Routes.PRIORITIZE_VERB);
    assertThat(extender.get("bindVerb").asText()).isEqualTo(Routes.BIND_VERB);
    assertThat(extender.get("preemptVerb").asText()).isEqualTo(Routes.PREEMPT_VERB);
    assertThat(extender.get("nodeCacheCapable").asBoolean()).isTrue();
    assertThat(extender.get("ignorable").asBoolean()).isFalse();
    assertThat(extender.get("weight").asLong())
        .as("weight must be positive with a prioritizeVerb")
        .isPositive();
  }

  @Test
  void kubeSchedulerHandsTheExtenderEveryFeasibleNode() {
    JsonNode config = documents(SCHEDULER_CONFIG).get(0);

    assertThat(config.path("percentageOfNodesToScore").isInt())
        .as("percentageOfNodesToScore is set as an integer in %s", SCHEDULER_CONFIG)
        .isTrue();
    assertThat(config.get("percentageOfNodesToScore").asInt()).isEqualTo(100);
    for (JsonNode profile : config.get("profiles")) {
      assertThat(profile.has("percentageOfNodesToScore"))
          .as("profile %s must not lower the top-level percentageOfNodesToScore",
              profile.path("schedulerName").asText())
          .isFalse();
    }
  }

  @Test
  void theHttpTimeoutLeavesRoomForAGangBind() {
    JsonNode extender = documents(SCHEDULER_CONFIG).get(0).get("extenders").get(0);

    Duration timeout = Duration.parse("PT" + extender.get("httpTimeout").asText().toUpperCase());

    assertThat(timeout).isGreaterThanOrEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void managedResourcesAreGpusMigProfilesAndShares() {
    JsonNode extender = documents(SCHEDULER_CONFIG).get(0).get("extenders").get(0);
    Map<String, Boolean> ignored = new LinkedHashMap<>();
    extender
        .get("managedResources")
        .forEach(
            r -> ignored.put(r.get("name").asText(), r.path("ignoredByScheduler").asBoolean()));

    assertThat(ignored).hasSize(extender.get("managedResources").size());
    assertThat(ignored)
        .containsEntry(Keys.RESOURCE_GPU, false)
        .containsEntry(Keys.RESOURCE_GPU_MILLI, true);
    assertThat(ignored.keySet())
        .filteredOn(
            name -> !name.equals(Keys.RESOURCE_GPU) && !name.equals(Keys.RESOURCE_GPU_MILLI))
        .isNotEmpty()
        .allMatch(
            name -> name.matches("nvidia\\.com/mig-[0-9]+g\\.[0-9]+gb(\\.me)?"),
            "a MIG resource name");
    assertThat(ignored.entrySet())
        .filteredOn(e -> e.getKey().startsWith(Keys.RESOURCE_MIG_PREFIX))
        .allMatch(e -> !e.getValue(), "counted by kube-scheduler against allocatable too");
  }

  @Test
  void theConfigMapCarriesTheSchedulerConfigAndThePolicyVerbatim() throws IOException {
    JsonNode configMap = only("ConfigMap", "topogpu-scheduler-config");

    assertThat(configMap.at("/data/kube-scheduler-config.yaml").asText())
        .as(
            "manifests/scheduler/configmap.yaml data.kube-scheduler-config.yaml is a copy of"
                + " config/kube-scheduler-config.yaml")
        .isEqualTo(Files.readString(SCHEDULER_CONFIG));
    assertThat(configMap.at("/data/policy.yaml").asText())
        .as("manifests/scheduler/configmap.yaml data.policy.yaml is a copy of config/policy.yaml")
        .isEqualTo(Files.readString(ROOT.resolve("config/policy.yaml")));
  }

  @Test
  void theDeploymentRunsKubeSchedulerWithTheExtenderSidecar() {
    JsonNode deployment = only("Deployment", "topogpu-scheduler");
    JsonNode scheduler = container(deployment, "kube-scheduler");
    JsonNode extender = container(deployment, "extender");

    assertThat(scheduler.get("image").asText()).startsWith("registry.k8s.io/kube-scheduler:v1.34.");
    assertThat(texts(scheduler.get("command")))
        .contains("--config=/etc/topogpu/kube-scheduler-config.yaml");
    assertThat(scheduler.at("/livenessProbe/httpGet/scheme").asText()).isEqualTo("HTTPS");
    assertThat(scheduler.at("/livenessProbe/httpGet/port").asInt()).isEqualTo(10259);
    assertThat(extender.get("image").asText()).isEqualTo("ghcr.io/topogpu/topogpu:0.1.0");
    assertThat(extender.has("command"))
        .as("the image's entrypoint launches topogpu; the container sets args only")
        .isFalse();
    assertThat(texts(extender.get("args")))
        .containsSubsequence("extender", "--config=/etc/topogpu/policy.yaml");
    assertThat(texts(extender.get("args")))
        .noneMatch(arg -> arg.startsWith("--port") || arg.startsWith("--host"));
    assertThat(deployment.at("/spec/template/spec/volumes/0/configMap/name").asText())
        .isEqualTo("topogpu-scheduler-config");
    assertThat(deployment.at("/spec/template/spec/serviceAccountName").asText())
        .isEqualTo(only("ServiceAccount", "topogpu-scheduler").at("/metadata/name").asText());
    for (JsonNode c : List.of(scheduler, extender)) {
      assertThat(c.at("/resources/requests/cpu").asText()).isNotEmpty();
      assertThat(c.at("/resources/requests/memory").asText()).isNotEmpty();
      assertThat(c.at("/resources/limits/memory").asText()).isNotEmpty();
      assertThat(c.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/etc/topogpu");
    }
  }

  @Test
  void theExtenderIsProbedOnItsOperationsPort() {
    JsonNode extender = container(only("Deployment", "topogpu-scheduler"), "extender");
    String opsPort =
        texts(extender.get("args")).stream()
            .filter(arg -> arg.startsWith("--ops-port="))
            .map(arg -> arg.substring("--ops-port=".length()))
            .findFirst()
            .orElseThrow();

    assertThat(extender.at("/ports/0/name").asText()).isEqualTo("ops");
    assertThat(extender.at("/ports/0/containerPort").asText()).isEqualTo(opsPort);
    assertThat(extender.at("/readinessProbe/httpGet/path").asText()).isEqualTo(Routes.READYZ);
    assertThat(extender.at("/livenessProbe/httpGet/path").asText()).isEqualTo(Routes.HEALTHZ);
    assertThat(extender.at("/startupProbe/httpGet/path").asText()).isEqualTo(Routes.HEALTHZ);
    assertThat(extender.at("/readinessProbe/httpGet/port").asText()).isEqualTo("ops");
  }

  @Test
  void theExtendersRoleGrantsOnlyTheCallsItMakes() {
    Map<String, List<String>> verbsByResource = new LinkedHashMap<>();
    for (JsonNode rule : only("ClusterRole", "topogpu-extender").get("rules")) {
      for (JsonNode group : rule.get("apiGroups")) {
        for (JsonNode resource : rule.get("resources")) {
          String key = (group.asText().isEmpty() ? "" : group.asText() + "/") + resource.asText();
          verbsByResource.put(key, texts(rule.get("verbs")));
        }
      }
    }

    assertThat(verbsByResource)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "nodes", List.of("list", "watch"),
                "pods", List.of("get", "list", "watch", "patch", "delete"),
                "pods/binding", List.of("create"),
                "events", List.of("create"),
                "scheduling.x-k8s.io/podgroups", List.of("list", "watch"),
                "scheduling.volcano.sh/podgroups", List.of("list", "watch")));
  }

  @Test
  void kubeSchedulerGetsItsUpstreamRolesAndItsOwnLease() {
    JsonNode config = documents(SCHEDULER_CONFIG).get(0);
    JsonNode lease = only("Role", "topogpu-scheduler-leader-election");

    assertThat(
            only("ClusterRoleBinding", "topogpu-scheduler-as-kube-scheduler")
                .at("/roleRef/name")
                .asText())
        .isEqualTo("system:kube-scheduler");
    assertThat(
            only("ClusterRoleBinding", "topogpu-scheduler-as-volume-scheduler")
                .at("/roleRef/name")
                .asText())
        .isEqualTo("system:volume-scheduler");
    assertThat(config.at("/leaderElection/leaderElect").asBoolean()).isTrue();
    assertThat(lease.at("/metadata/namespace").asText())
        .isEqualTo(config.at("/leaderElection/resourceNamespace").asText());
    assertThat(texts(lease.at("/rules/1/resourceNames")))
        .containsExactly(config.at("/leaderElection/resourceName").asText());
  }
}
