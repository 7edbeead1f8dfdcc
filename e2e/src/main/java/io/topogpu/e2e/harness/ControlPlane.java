package io.topogpu.e2e.harness;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real etcd and kube-apiserver on loopback, in a folder of their own: TLS with a self-signed
 * certificate, token authentication (an admin in {@code system:masters}), Node and RBAC
 * authorization, service-account tokens through TokenRequest. There is no controller manager, so
 * two admission plugins that need one are off: {@code TaintNodesByCondition} (it would taint every
 * created Node not-ready) and {@code ServiceAccount} (no token controller creates the default
 * service accounts).
 */
public final class ControlPlane implements AutoCloseable {
  /** The name of the one real node a control plane can have ({@link KubeletNode}). */
  static final String KUBELET_NODE = "e2e-node";

  private final Path dir;
  private final ManagedProcess etcd;
  private final ManagedProcess apiserver;
  private final String url;
  private final Path ca;
  private final String adminToken;
  private final String kubeletToken;
  private final KubernetesClient admin;

  private ControlPlane(Path dir, ManagedProcess etcd, ManagedProcess apiserver, String url, Path ca,
      String adminToken, String kubeletToken) {
    this.kubeletToken = kubeletToken;
    this.dir = dir;
    this.etcd = etcd;
    this.apiserver = apiserver;
    this.url = url;
    this.ca = ca;
    this.adminToken = adminToken;
    this.admin = client(adminToken);
  }

  /** Starts etcd and kube-apiserver under {@code dir} and waits until the API answers. */
  public static ControlPlane start(KubeBinaries bin, Path dir) {
    try {
      Files.createDirectories(dir);
      Path pki = Files.createDirectories(dir.resolve("pki"));
      openssl(pki, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-keyout", "apiserver.key",
          "-out", "apiserver.crt", "-subj", "/CN=kube-apiserver",
          "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc",
          "-addext", "basicConstraints=critical,CA:TRUE");
      openssl(pki, "genrsa", "-out", "sa.key", "2048");
      openssl(pki, "rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub");
      String adminToken = UUID.randomUUID().toString();
      String kubeletToken = UUID.randomUUID().toString();
      Files.writeString(pki.resolve("tokens.csv"),
          adminToken + ",admin,admin-uid,\"system:masters\"\n"
              + kubeletToken + ",system:node:" + KUBELET_NODE + ",kubelet-uid,\"system:nodes\"\n",
          StandardCharsets.UTF_8);

      int etcdPort = Ports.free();
      int peerPort = Ports.free();
      ManagedProcess etcd = ManagedProcess.start("etcd", List.of(KubeBinaries.system("etcd").toString(),
          "--name", "e2e", "--data-dir", dir.resolve("etcd").toString(),
          "--listen-client-urls", "http://127.0.0.1:" + etcdPort,
          "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
          "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
          "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
          "--initial-cluster", "e2e=http://127.0.0.1:" + peerPort,
          "--unsafe-no-fsync"), Map.of(), dir.resolve("logs/etcd.log"));

      int port = Ports.free();
      ManagedProcess apiserver = ManagedProcess.start("kube-apiserver", List.of(bin.apiserver().toString(),
          "--etcd-servers=http://127.0.0.1:" + etcdPort,
          "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + port,
          "--insecure-port=0",
          "--cert-dir=" + pki, "--tls-cert-file=" + pki.resolve("apiserver.crt"),
          "--tls-private-key-file=" + pki.resolve("apiserver.key"),
          "--token-auth-file=" + pki.resolve("tokens.csv"),
          "--authorization-mode=Node,RBAC",
          "--service-account-issuer=https://kubernetes.default.svc",
          "--service-account-signing-key-file=" + pki.resolve("sa.key"),
          "--service-account-key-file=" + pki.resolve("sa.pub"),
          "--service-cluster-ip-range=10.96.0.0/24",
          "--disable-admission-plugins=TaintNodesByCondition,ServiceAccount",
          "--allow-privileged=true",
          "--kubelet-preferred-address-types=InternalIP",
          "--profiling=false", "--v=1"), Map.of(), dir.resolve("logs/kube-apiserver.log"));

      ControlPlane cp = new ControlPlane(dir, etcd, apiserver, "https://127.0.0.1:" + port,
          pki.resolve("apiserver.crt"), adminToken, kubeletToken);
      try {
        Wait.until(Duration.ofSeconds(90), "kube-apiserver to answer", () -> {
          apiserver.requireAlive();
          etcd.requireAlive();
          return "ok".equals(cp.admin.raw("/readyz"));
        });
        // RBAC's default roles (system:kube-scheduler, ...) are created by a post-start hook.
        Wait.until(Duration.ofSeconds(60), "the default cluster roles",
            () -> cp.admin.rbac().clusterRoles().withName("system:kube-scheduler").get() != null);
      } catch (RuntimeException | AssertionError e) {
        String tails = apiserver.tail(30) + "\n" + etcd.tail(15);
        cp.close();
        throw new IllegalStateException("the control plane did not start:\n" + tails, e);
      }
      return cp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The cluster administrator's client (system:masters). */
  public KubernetesClient admin() {
    return admin;
  }

  public String url() {
    return url;
  }

  public Path dir() {
    return dir;
  }

  /** A client authenticated with {@code token}, trusting the API server's certificate. */
  public KubernetesClient client(String token) {
    return clientBuilder(token).build();
  }

  /** The builder of {@link #client}, for a client with interceptors of its own. */
  public KubernetesClientBuilder clientBuilder(String token) {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfigText(token)));
  }

  /** A bound token of service account {@code namespace/name}, valid for two hours. */
  public String serviceAccountToken(String namespace, String name) {
    TokenRequest request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(7200L).endSpec().build();
    TokenRequest answer = admin.serviceAccounts().inNamespace(namespace).withName(name).tokenRequest(request);
    return answer.getStatus().getToken();
  }

  /** A kubeconfig file authenticating with {@code token}, for a child process. */
  public Path kubeconfig(String name, String token) {
    Path file = dir.resolve("kubeconfig-" + name);
    try {
      Files.writeString(file, kubeconfigText(token), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The token of the kubelet of node {@link #KUBELET_NODE} (user system:node:..., group system:nodes). */
  String kubeletToken() {
    return kubeletToken;
  }

  /** The admin's kubeconfig. */
  public Path adminKubeconfig() {
    return kubeconfig("admin", adminToken);
  }

  private String kubeconfigText(String token) {
    return "apiVersion: v1\nkind: Config\n"
        + "clusters:\n- name: e2e\n  cluster:\n    server: " + url + "\n    certificate-authority: " + ca + "\n"
        + "users:\n- name: user\n  user:\n    token: " + token + "\n"
        + "contexts:\n- name: e2e\n  context:\n    cluster: e2e\n    user: user\n"
        + "current-context: e2e\n";
  }

  @Override
  public void close() {
    admin.close();
    apiserver.close();
    etcd.close();
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
