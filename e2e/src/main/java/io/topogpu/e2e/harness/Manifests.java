package io.topogpu.e2e.harness;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the project's own {@code manifests/} folders as an admin would, kind by kind, to a real
 * API server. Workloads (Deployment, DaemonSet) are left out: no controller manager runs to turn
 * them into pods, and the tests start those processes themselves under the same service accounts.
 * Kinds the server does not serve (ValidatingAdmissionPolicy before 1.28) are reported and skipped.
 */
public final class Manifests {
  private static final Logger log = LoggerFactory.getLogger(Manifests.class);
  static final Set<String> WORKLOADS = Set.of("Deployment", "DaemonSet");

  private Manifests() {}

  /** The objects of every YAML file in {@code folder} (not recursive), the kustomization left out. */
  public static List<HasMetadata> read(KubernetesClient client, Path folder) {
    List<HasMetadata> objects = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().startsWith("kustomization"))
          .sorted(Comparator.naturalOrder()).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          objects.addAll(client.load(in).items());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return objects;
  }

  /** Creates or updates every object of {@code folders}, namespaces first; returns the kinds skipped. */
  public static List<String> apply(KubernetesClient admin, Path... folders) {
    List<HasMetadata> all = new ArrayList<>();
    for (Path folder : folders) {
      all.addAll(read(admin, folder));
    }
    all.sort(Comparator.comparing(o -> "Namespace".equals(o.getKind()) ? 0 : 1));
    List<String> skipped = new ArrayList<>();
    for (HasMetadata o : all) {
      if (WORKLOADS.contains(o.getKind())) {
        continue;
      }
      if (!served(admin, o)) {
        skipped.add(o.getKind() + "/" + o.getMetadata().getName());
        log.info("not applied: {} {} ({} is not served by this API server)", o.getKind(),
            o.getMetadata().getName(), o.getApiVersion());
        continue;
      }
      admin.resource(o).createOr(NonDeletingOperation::update);
    }
    return skipped;
  }

  private static boolean served(KubernetesClient admin, HasMetadata o) {
    String apiVersion = o.getApiVersion();
    if (!apiVersion.contains("/")) {
      return true; // the core group: Namespace, ServiceAccount, ConfigMap
    }
    var resources = admin.getApiResources(apiVersion);
    return resources != null && resources.getResources().stream().anyMatch(r -> o.getKind().equals(r.getKind()));
  }
}
