package io.topogpu.scheduler.service;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.topogpu.scheduler.config.GangConfig;
import io.topogpu.scheduler.config.PolicyException;
import io.topogpu.scheduler.config.PolicyLoader;
import io.topogpu.scheduler.extender.ExtenderServerOptions;
import io.topogpu.scheduler.kube.KubeObjectException;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.state.InformerSource;
import io.topogpu.scheduler.state.SnapshotSource;
import io.topogpu.scheduler.state.StateSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code topogpu extender}: serves the kube-scheduler extender API until SIGTERM. State comes from
 * the API server (informers, binds through the API) or, with {@code --snapshot}, from a file
 * (binds in memory). The HTTP server starts first, so {@code /readyz} answers 503 until the ledger
 * is rebuilt. On SIGTERM a shutdown hook drains in-flight requests (readiness 503, new requests
 * 503, up to the shutdown grace), then stops the informers and the client. Exit 2 for unusable
 * input (policy, snapshot, kubeconfig), before anything is served.
 */
@Command(
    name = "extender",
    mixinStandardHelpOptions = true,
    description = "Serve the kube-scheduler extender API (filter, prioritize, bind).")
public final class ExtenderCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ExtenderCommand.class);
  static final String LOG_FORMAT_PROPERTY = "topogpu.log.format";
  static final int EXIT_BAD_INPUT = 2;

  enum LogFormat { plain, json }

  @Spec CommandSpec spec;

  @Option(names = "--snapshot", paramLabel = "FILE",
      description = "read nodes and pods from this `kubectl get nodes,pods -A -o json` file instead"
          + " of an API server; binds are kept in memory")
  Path snapshot;

  @Option(names = "--config", paramLabel = "FILE",
      description = "policy file (default: preset topology-first)")
  Path config;

  @Option(names = "--port", defaultValue = "8888",
      description = "API port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--host", defaultValue = ExtenderServerOptions.DEFAULT_HOST,
      description = "API address (default: ${DEFAULT-VALUE}, loopback: only kube-scheduler in the"
          + " same pod can reach bind)")
  String host;

  @Option(names = "--ops-port", paramLabel = "N",
      description = "also serve /healthz, /readyz and /metrics on 0.0.0.0:N (probes, Prometheus)")
  Integer opsPort;

  @Option(names = "--scheduler-name", defaultValue = BindGuard.DEFAULT_SCHEDULER_NAME,
      description = "schedulerName of the kube-scheduler profile this extender serves; bind refuses"
          + " pods that ask for another (default: ${DEFAULT-VALUE})")
  String schedulerName;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "serve the API over HTTPS with this PEM certificate (needs --tls-key); for an"
          + " extender reached beyond loopback (kube-scheduler: enableHTTPS, tlsConfig.caFile)")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert")
  Path tlsKey;

  @Option(names = "--tls-client-ca", paramLabel = "FILE",
      description = "require client certificates signed by this PEM CA (kube-scheduler:"
          + " tlsConfig.certFile and keyFile)")
  Path tlsClientCa;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "kubeconfig to use (default: in-cluster service account, then ~/.kube/config)")
  Path kubeconfig;

  @Option(names = "--log-format", defaultValue = "plain",
      description = "plain or json (one object per line) on stderr (default: ${DEFAULT-VALUE})")
  LogFormat logFormat;

  @Override
  public Integer call() throws InterruptedException {
    configureLogging(logFormat);
    Policy policy;
    GangConfig gangConfig;
    StateSource source;
    Optional<KubernetesClient> client = Optional.empty();
    ExtenderServerOptions options;
    try {
      policy = config == null ? Policy.defaults() : PolicyLoader.load(config);
      gangConfig = config == null ? GangConfig.DEFAULTS : PolicyLoader.loadGangs(config);
      options = ExtenderServerOptions.defaults().withHost(host).withPort(port);
      if (opsPort != null) {
        options = options.withOps(ExtenderServerOptions.DEFAULT_OPS_HOST, opsPort);
      }
      if (tlsCert != null || tlsKey != null || tlsClientCa != null) {
        if (tlsCert == null || tlsKey == null) {
          throw new IllegalArgumentException("--tls-cert and --tls-key: both are required for HTTPS");
        }
        options = options.withTls(
            new ExtenderServerOptions.Tls(tlsCert, tlsKey, Optional.ofNullable(tlsClientCa)));
      }
      if (snapshot != null) {
        source = SnapshotSource.read(snapshot);
      } else {
        client = Optional.of(client(kubeconfig));
        source = new InformerSource(client.get(), InformerSource.DEFAULT_RESYNC);
      }
    } catch (PolicyException | KubeObjectException | IllegalArgumentException e) {
      spec.commandLine().getErr().println(e.getMessage());
      spec.commandLine().getErr().flush();
      return EXIT_BAD_INPUT;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    String from = snapshot != null ? snapshot.toString() : "the API server";
    ExtenderApp app = ExtenderApp.start(client, source, policy, gangConfig, options, new BindGuard(schedulerName));
    Optional<KubernetesClient> openClient = client;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down: draining in-flight requests");
      app.close();
      openClient.ifPresent(KubernetesClient::close);
      stopped.countDown();
    }, "topogpu-shutdown"));
    log.info("extender serving on {}:{} (state from {}, policy {})", host, app.port(), from, policy.preset());
    stopped.await();
    return 0;
  }

  private static KubernetesClient client(Path kubeconfig) {
    if (kubeconfig == null) {
      return new KubernetesClientBuilder().build();
    }
    try {
      String text = Files.readString(kubeconfig, StandardCharsets.UTF_8);
      return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(text)).build();
    } catch (IOException e) {
      throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": cannot read: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": " + e.getMessage());
    }
  }

  /** Reloads logback.xml with the chosen format (the property it reads). */
  static void configureLogging(LogFormat format) {
    System.setProperty(LOG_FORMAT_PROPERTY, format.name());
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(ExtenderCommand.class.getResource("/logback.xml"));
    } catch (JoranException e) {
      throw new IllegalStateException("logback.xml: " + e.getMessage(), e);
    }
  }
}
