package io.topogpu.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The kube-scheduler configuration the tests run, generated from the shipped {@code
 * config/kube-scheduler-config.yaml} ({@code kubescheduler.config.k8s.io/v1}) for the v1.20
 * scheduler, which reads {@code v1beta1}: same profiles, same extender block and managed
 * resources; only what v1beta1 names differently is renamed, and the extender's address and the
 * client's kubeconfig are the test's. So the shipped file and what the tests exercise cannot drift.
 */
public final class SchedulerConfigs {
  static final String V1 = "kubescheduler.config.k8s.io/v1";
  static final String V1BETA1 = "kubescheduler.config.k8s.io/v1beta1";

  /** v1 score plugins that v1beta1 knows under another name (v1 folded them into NodeResourcesFit). */
  static final Map<String, String> SCORE_PLUGINS_V1_TO_V1BETA1 = Map.of("NodeResourcesFit",
      "NodeResourcesLeastAllocated");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private SchedulerConfigs() {}

  /**
   * The v1beta1 form of {@code shipped}, its extenders pointed at {@code extenderUrlPrefix} (or
   * removed when null: kube-scheduler alone, for comparisons), authenticating with {@code
   * kubeconfig}.
   */
  public static String v1beta1(Path shipped, String extenderUrlPrefix, Path kubeconfig) {
    return v1beta1(shipped, extenderUrlPrefix, kubeconfig, 0);
  }

  /**
   * As {@link #v1beta1(Path, String, Path)}, with kube-scheduler's API client allowed {@code qps}
   * requests per second and as many in a burst; 0 keeps kube-scheduler's default (50, burst 100).
   */
  public static String v1beta1(Path shipped, String extenderUrlPrefix, Path kubeconfig, int qps) {
    if (qps < 0) {
      throw new IllegalArgumentException("kube-scheduler client qps must be >= 0, got " + qps);
    }
    ObjectNode config;
    try {
      config = (ObjectNode) YAML.readTree(shipped.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!V1.equals(config.path("apiVersion").asText())) {
      throw new IllegalArgumentException(shipped + ": apiVersion is " + config.path("apiVersion")
          + ", expected " + V1);
    }
    config.put("apiVersion", V1BETA1);
    // 1.20 serves insecure healthz and metrics on 0.0.0.0:10251 unless told otherwise (its --port flag
    // is ignored with --config, and an empty address is defaulted back to 0.0.0.0:10251): a free
    // loopback port, so that several schedulers can run on one machine.
    String insecure = "127.0.0.1:" + Ports.free();
    config.put("healthzBindAddress", insecure);
    config.put("metricsBindAddress", insecure);
    ObjectNode client = config.putObject("clientConnection").put("kubeconfig", kubeconfig.toString());
    if (qps > 0) {
      client.put("qps", qps).put("burst", qps);
    }
    for (JsonNode profile : config.path("profiles")) {
      for (String phase : new String[] {"enabled", "disabled"}) {
        for (JsonNode plugin : profile.path("plugins").path("score").path(phase)) {
          String name = plugin.path("name").asText();
          if (SCORE_PLUGINS_V1_TO_V1BETA1.containsKey(name)) {
            ((ObjectNode) plugin).put("name", SCORE_PLUGINS_V1_TO_V1BETA1.get(name));
          }
        }
      }
    }
    if (extenderUrlPrefix == null) {
      config.remove("extenders");
    } else {
      for (JsonNode extender : (ArrayNode) config.withArray("extenders")) {
        ((ObjectNode) extender).put("urlPrefix", extenderUrlPrefix);
      }
    }
    try {
      return YAML.writeValueAsString(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
