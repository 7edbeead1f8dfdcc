package io.topogpu.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image tarball the build wrote (Jib, {@code docker save} format), read back: its tag is the one
 * the manifests run, its config starts the dispatcher as the manifests' non-root user with the heap
 * sized from the container limit, and its layers hold the application jars and the user entry.
 * The default build uses a JRE-less test base; {@code -Pimage} checks the Debian JRE image the same way.
 */
class ImageConfigIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final Path ROOT = Path.of("..");

  private static JsonNode config;
  private static List<String> repoTags;
  /** Every file in the image, later layers overriding earlier ones: path → content (small files only). */
  private static final Map<String, byte[]> FILES = new LinkedHashMap<>();

  @BeforeAll
  static void readImage() throws IOException {
    Path tar = Path.of(System.getProperty("topogpu.imageTar", "target/topogpu-image.tar"));
    assertThat(tar).as("image tarball built by the package phase").isRegularFile();
    Map<String, byte[]> entries = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.isFile()) {
          entries.put(e.getName(), in.readAllBytes());
        }
      }
    }
    JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
    repoTags = new ArrayList<>();
    manifest.get("RepoTags").forEach(t -> repoTags.add(t.asText()));
    config = JSON.readTree(entries.get(manifest.get("Config").asText()));
    for (JsonNode layer : manifest.get("Layers")) {
      byte[] blob = entries.get(layer.asText());
      InputStream raw = new java.io.ByteArrayInputStream(blob);
      try (TarArchiveInputStream in = new TarArchiveInputStream(
          blob.length > 1 && (blob[0] & 0xff) == 0x1f && (blob[1] & 0xff) == 0x8b ? new GZIPInputStream(raw) : raw)) {
        for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
          String name = e.getName().replaceFirst("^\\./", "/").replaceFirst("^(?!/)", "/");
          FILES.put(name, e.isFile() && e.getSize() < 1 << 20 ? in.readAllBytes() : new byte[0]);
        }
      }
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The topogpu containers of the manifests: (file, container). */
  private static Map<String, JsonNode> topogpuContainers() throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (String file : List.of("manifests/scheduler/deployment.yaml", "manifests/nodeagent/daemonset.yaml")) {
      JsonNode workload = YAML.readTree(ROOT.resolve(file).toFile());
      for (JsonNode c : workload.at("/spec/template/spec/containers")) {
        if (c.path("image").asText().startsWith("ghcr.io/topogpu/")) {
          out.put(file + " " + c.path("name").asText(), c);
        }
      }
      // The image runs as 65532; the agent's DaemonSet alone runs as root, without any capability,
      // because the kubelet's device-plugin folder and its kubelet.sock belong to root (0755).
      int expectedUser = file.contains("nodeagent") ? 0 : 65532;
      assertThat(workload.at("/spec/template/spec/securityContext/runAsUser").asInt()).as(file)
          .isEqualTo(expectedUser);
      if (expectedUser == 0) {
        for (JsonNode c : workload.at("/spec/template/spec/containers")) {
          assertThat(c.at("/securityContext/capabilities/drop").toString()).as(file).contains("ALL");
          assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).as(file).isFalse();
        }
      }
    }
    return out;
  }

  @Test
  void theImageIsTaggedAsTheManifestsAndDocsNameIt() throws IOException {
    String name = System.getProperty("topogpu.imageName", "ghcr.io/topogpu/topogpu:0.1.0");
    assertThat(repoTags).containsExactly(name);
    Map<String, JsonNode> containers = topogpuContainers();
    assertThat(containers).hasSize(2);
    containers.forEach((where, c) -> assertThat(c.path("image").asText()).as(where).isEqualTo(name));
    assertThat(Files.readString(ROOT.resolve("docs/admin-guide.md"))).contains(name);
    assertThat(Files.readString(ROOT.resolve("image/Dockerfile"))).contains(name);
  }

  @Test
  void theEntrypointStartsTheDispatcherWithTheHeapSizedFromTheContainerLimit() throws IOException {
    JsonNode c = config.get("config");
    List<String> entrypoint = texts(c.get("Entrypoint"));
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
    assertThat(entrypoint).noneMatch(a -> a.startsWith("-Xmx"));
    assertThat(entrypoint).endsWith("-cp", "@/app/jib-classpath-file", TopogpuMain.class.getName());
    assertThat(c.path("Cmd").isMissingNode() || c.path("Cmd").isNull() || c.path("Cmd").isEmpty()).isTrue();
    assertThat(texts(c.get("Env"))).anyMatch(e -> e.startsWith("PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:"));
    // The manifests pass only args, and each one's first arg is a command the dispatcher knows.
    topogpuContainers().forEach((where, container) -> {
      assertThat(container.has("command")).as(where + " keeps the image's entrypoint").isFalse();
      assertThat(TopogpuMain.COMMANDS).as(where).containsKey(container.at("/args/0").asText());
    });
  }

  @Test
  void itRunsAsTheNonRootUserTheManifestsUseAndExposesTheirPorts() throws IOException {
    JsonNode c = config.get("config");
    assertThat(c.get("User").asText()).isEqualTo("65532:65532");
    assertThat(new String(FILES.get("/etc/passwd"), StandardCharsets.UTF_8))
        .contains("nonroot:x:65532:65532:");
    List<String> ports = new ArrayList<>();
    c.get("ExposedPorts").fieldNames().forEachRemaining(ports::add);
    assertThat(ports).containsExactlyInAnyOrder("8888/tcp", "9090/tcp", "9402/tcp");
    List<Integer> manifestPorts = new ArrayList<>();
    for (JsonNode container : topogpuContainers().values()) {
      container.path("ports").forEach(p -> manifestPorts.add(p.path("containerPort").asInt()));
    }
    assertThat(manifestPorts).isNotEmpty().allMatch(p -> ports.contains(p + "/tcp"));
  }

  @Test
  void theLayersHoldEveryRuntimeJarOnTheClasspathFile() throws IOException {
    String classpath = new String(FILES.get("/app/jib-classpath-file"), StandardCharsets.UTF_8).trim();
    List<String> entries = List.of(classpath.split(":"));
    for (String entry : entries) {
      if (entry.endsWith(".jar")) {
        assertThat(FILES).as("classpath entry %s is in a layer", entry).containsKey(entry);
      }
    }
    assertThat(entries).anyMatch(e -> e.matches("/app/libs/scheduler-.*\\.jar"))
        .anyMatch(e -> e.matches("/app/libs/nodeagent-.*\\.jar"))
        .anyMatch(e -> e.matches("/app/libs/topology-.*\\.jar"))
        .anyMatch(e -> e.matches("/app/libs/jna-.*\\.jar"))
        .anyMatch(e -> e.matches("/app/libs/vertx-web-.*\\.jar"))
        .anyMatch(e -> e.matches("/app/libs/kubernetes-client-.*\\.jar"));
    assertThat(FILES).containsKey("/app/classes/io/topogpu/image/TopogpuMain.class");
    // What bin/topogpu puts on the classpath of each module is in the image too.
    for (String module : List.of("scheduler", "nodeagent")) {
      Path list = ROOT.resolve(module + "/target/classpath.txt");
      for (String jar : Files.readString(list).trim().split(":")) {
        String file = Path.of(jar).getFileName().toString();
        assertThat(entries).as("%s runtime dependency %s", module, file).contains("/app/libs/" + file);
      }
    }
  }
}
