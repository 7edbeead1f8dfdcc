package io.topogpu.e2e.harness;

import io.fabric8.kubernetes.api.model.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real node: containerd and runc from Debian and a kubelet built from the same source as the
 * control plane, registered as {@link #NAME} with node IP 127.0.0.1. It has no CNI plugin and stays
 * NotReady, which does not stop {@code hostNetwork} pods; pods use the local image {@link #IMAGE}
 * with {@code imagePullPolicy: Never}. The kubelet's device-plugin folder is fixed at {@code
 * /var/lib/kubelet/device-plugins} in 1.20 whatever the root dir, so one such node runs per
 * machine at a time; the PodResources socket is {@code <root>/pod-resources/kubelet.sock}.
 */
public final class KubeletNode implements AutoCloseable {
  public static final String NAME = ControlPlane.KUBELET_NODE;
  public static final String IMAGE = "topogpu.local/busybox:e2e";
  static final String PAUSE = "topogpu.local/pause:e2e";
  public static final Path DEVICE_PLUGINS = Path.of("/var/lib/kubelet/device-plugins");

  /** Held while this node runs: the device-plugin folder is one per machine, so is a real node. */
  private static final Path MACHINE_LOCK = Path.of("/var/lib/kubelet/.topogpu-e2e-node.lock");

  private final Path root;
  private final Path run;
  private java.nio.channels.FileChannel lockFile;
  private java.nio.channels.FileLock lock;
  private final ManagedProcess containerd;
  private ManagedProcess kubelet;
  private final List<String> kubeletCommand;
  private final Path log;

  private KubeletNode(Path root, Path run, ManagedProcess containerd, List<String> kubeletCommand, Path log) {
    this.root = root;
    this.run = run;
    this.containerd = containerd;
    this.kubeletCommand = kubeletCommand;
    this.log = log;
  }

  /** Starts containerd, imports the images, starts the kubelet and waits until its Node exists. */
  public static KubeletNode start(KubeBinaries bin, ControlPlane control) {
    java.nio.channels.FileChannel lockFile;
    java.nio.channels.FileLock lock;
    try {
      Files.createDirectories(MACHINE_LOCK.getParent());
      lockFile = java.nio.channels.FileChannel.open(MACHINE_LOCK, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.WRITE);
      // Another build's real node (a second checkout, CI) would share the fixed device-plugin folder: wait.
      lock = lockFile.lock();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path root = Files.createDirectories(control.dir().resolve("kubelet"));
      // Unix socket paths are limited to 108 bytes: keep them (and the kubelet's root dir, which
      // holds the PodResources socket) short, outside the build folder.
      Path run = Files.createTempDirectory("tgk");
      Path cni = Files.createDirectories(root.resolve("cni"));
      Path config = root.resolve("containerd.toml");
      Files.writeString(config, containerdConfig(root, run, cni), StandardCharsets.UTF_8);
      ManagedProcess containerd = ManagedProcess.start("containerd", List.of(KubeBinaries.system("containerd")
          .toString(), "--config", config.toString()), Map.of(), control.dir().resolve("logs/containerd.log"));
      Path sock = run.resolve("containerd.sock");
      Wait.until(Duration.ofSeconds(30), "containerd's socket", () -> {
        containerd.requireAlive();
        return Files.exists(sock);
      });
      importImage(run, sock, IMAGE, List.of());
      importImage(run, sock, PAUSE, List.of("/bin/sleep", "2147483647"));

      Path kubeletConfig = root.resolve("kubelet.yaml");
      Files.writeString(kubeletConfig, kubeletConfig(), StandardCharsets.UTF_8);
      Files.createDirectories(DEVICE_PLUGINS);
      List<String> cmd = List.of(bin.kubelet().toString(), "--config=" + kubeletConfig,
          "--kubeconfig=" + control.kubeconfig("kubelet", control.kubeletToken()),
          "--container-runtime=remote", "--container-runtime-endpoint=unix://" + sock,
          "--hostname-override=" + NAME, "--node-ip=127.0.0.1", "--root-dir=" + run.resolve("root"),
          "--cert-dir=" + root.resolve("pki"), "--v=2");
      Path log = control.dir().resolve("logs/kubelet.log");
      KubeletNode node = new KubeletNode(root, run, containerd, cmd, log);
      node.lockFile = lockFile;
      node.lock = lock;
      node.startKubelet();
      Wait.until(Duration.ofSeconds(60), "the kubelet's Node " + NAME, () -> {
        node.kubelet.requireAlive();
        return control.admin().nodes().withName(NAME).get() != null;
      });
      return node;
    } catch (IOException e) {
      release(lock, lockFile);
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      release(lock, lockFile);
      throw e;
    }
  }

  private void startKubelet() {
    kubelet = ManagedProcess.start("kubelet", kubeletCommand, Map.of(), log);
  }

  /** Stops the kubelet (SIGTERM) and starts it again: it deletes every socket in the device-plugin folder. */
  public void restartKubelet() {
    kubelet.close();
    startKubelet();
  }

  public ManagedProcess kubelet() {
    return kubelet;
  }

  /** The kubelet's PodResources socket. */
  public Path podResourcesSocket() {
    return run.resolve("root/pod-resources/kubelet.sock");
  }

  /** What a container printed (its stdout), from the kubelet's log folder. */
  public String containerLog(String namespace, String pod, String uid, String container) {
    Path file = Path.of("/var/log/pods", namespace + "_" + pod + "_" + uid, container, "0.log");
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Node node(ControlPlane control) {
    return control.admin().nodes().withName(NAME).get();
  }

  @Override
  public void close() {
    if (kubelet != null) {
      kubelet.close();
    }
    containerd.close();
    // runc leaves container processes behind when containerd goes first: the sandboxes sleep
    kill("/bin/sleep 2147483647");
    // the kubelet bind-mounts its root dir onto itself (shared propagation); leave no mount behind
    unmount(run.resolve("root"));
    deleteTree(run);
    release(lock, lockFile);
  }

  private static void release(java.nio.channels.FileLock lock, java.nio.channels.FileChannel file) {
    try {
      if (lock != null) {
        lock.release();
      }
      if (file != null) {
        file.close();
      }
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a temp folder left behind
    }
  }

  private static void unmount(Path dir) {
    try {
      new ProcessBuilder("umount", "-R", "-l", dir.toString()).redirectErrorStream(true).start().waitFor();
    } catch (IOException e) {
      // not mounted
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void kill(String pattern) {
    try {
      new ProcessBuilder("pkill", "-f", pattern).start().waitFor();
    } catch (IOException e) {
      // nothing left to kill
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void importImage(Path run, Path sock, String name, List<String> entrypoint) throws IOException {
    Path tar = run.resolve(name.replaceAll("[^a-z]", "") + ".tar");
    List<String> build = new ArrayList<>(List.of(Repo.path("e2e/bin/busybox-image").toString(), tar.toString(), name));
    build.addAll(entrypoint);
    exec(build);
    exec(List.of(KubeBinaries.system("ctr").toString(), "--address", sock.toString(), "-n", "k8s.io", "images",
        "import", "--snapshotter", "native", tar.toString()));
  }

  private static void exec(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static String containerdConfig(Path root, Path run, Path cni) {
    String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
    return "version = 2\n"
        + "root = \"" + root.resolve("containerd-root") + "\"\n"
        + "state = \"" + run.resolve("state") + "\"\n"
        + "[grpc]\n  address = \"" + run.resolve("containerd.sock") + "\"\n"
        + "[ttrpc]\n  address = \"" + run.resolve("containerd.ttrpc") + "\"\n"
        + "[" + cri + "]\n"
        + "  sandbox_image = \"" + PAUSE + "\"\n"
        // root here lacks CAP_SYS_RESOURCE: the pause container's oom_score_adj of -998 would fail
        + "  restrict_oom_score_adj = true\n"
        + "  [" + cri + ".containerd]\n"
        + "    snapshotter = \"native\"\n"
        + "    default_runtime_name = \"runc\"\n"
        + "    [" + cri + ".containerd.runtimes.runc]\n"
        + "      runtime_type = \"io.containerd.runc.v2\"\n"
        + "  [" + cri + ".cni]\n"
        + "    bin_dir = \"" + cni + "\"\n"
        + "    conf_dir = \"" + cni + "\"\n";
  }

  private static String kubeletConfig() {
    return "apiVersion: kubelet.config.k8s.io/v1beta1\n"
        + "kind: KubeletConfiguration\n"
        + "address: 127.0.0.1\n"
        + "port: " + Ports.free() + "\n"
        + "healthzPort: " + Ports.free() + "\n"
        + "readOnlyPort: 0\n"
        + "authentication:\n  anonymous:\n    enabled: true\n  webhook:\n    enabled: false\n"
        + "authorization:\n  mode: AlwaysAllow\n"
        + "cgroupDriver: cgroupfs\n"
        + "cgroupsPerQOS: false\n"
        + "enforceNodeAllocatable: []\n"
        + "failSwapOn: false\n"
        + "evictionHard: {}\n"
        + "imageGCHighThresholdPercent: 100\n"
        + "syncFrequency: 5s\n"
        + "nodeStatusUpdateFrequency: 5s\n";
  }
}
