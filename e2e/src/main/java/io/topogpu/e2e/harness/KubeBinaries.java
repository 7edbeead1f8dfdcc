package io.topogpu.e2e.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the real Kubernetes binaries are: {@code e2e/bin/kube-binaries} installs etcd, containerd
 * and runc from Debian and builds kube-apiserver, kube-scheduler and kubelet from Debian's source
 * package once per machine (cached outside the repository). Asked once per JVM; its progress goes
 * to this process's stderr.
 */
public final class KubeBinaries {
  /** The script's exit status for "cannot be had here" (no registry, not root). */
  static final int UNAVAILABLE = 3;

  private static Optional<KubeBinaries> found;
  private static String whyNot = "";

  private final Path bin;

  private KubeBinaries(Path bin) {
    this.bin = bin;
  }

  /**
   * The binaries, building them on first use; empty when they cannot be had on this machine, with
   * the reason in {@link #whyUnavailable()}. A failed build (anything but "unavailable") throws:
   * that is a defect to see, not a reason to skip.
   */
  public static synchronized Optional<KubeBinaries> locate() {
    if (found != null) {
      return found;
    }
    Path script = Repo.root().resolve("e2e/bin/kube-binaries");
    try {
      Process p = new ProcessBuilder(script.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      int rc = p.waitFor();
      if (rc == UNAVAILABLE) {
        whyNot = "the real Kubernetes binaries cannot be installed on this machine (see the "
            + "kube-binaries messages above): end-to-end tests skipped";
        found = Optional.empty();
      } else if (rc != 0) {
        throw new IllegalStateException(script + " failed with exit status " + rc);
      } else {
        List<String> lines = out.lines().toList();
        found = Optional.of(new KubeBinaries(Path.of(lines.get(lines.size() - 1))));
      }
      return found;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }

  public static synchronized String whyUnavailable() {
    return whyNot;
  }

  public Path apiserver() {
    return bin.resolve("kube-apiserver");
  }

  public Path scheduler() {
    return bin.resolve("kube-scheduler");
  }

  public Path kubelet() {
    return bin.resolve("kubelet");
  }

  /** A binary installed from a Debian package ({@code etcd}, {@code containerd}, {@code runc}). */
  public static Path system(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new IllegalStateException(name + " is not on PATH");
  }
}
