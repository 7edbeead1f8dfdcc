package io.topogpu.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.topogpu.scheduler.ledger.GpusAnnotation;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.topology.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the API server says each bound pod holds, read back from {@code topogpu.io/gpus}: the
 * independent check that no GPU, share capacity or MIG instance is given twice.
 */
public final class Allocations {
  private final Map<String, Assignment> byPod = new TreeMap<>();

  private Allocations() {}

  /** Every bound, not finished pod with a {@code topogpu.io/gpus}, in every namespace (a finished pod holds nothing). */
  public static Allocations read(KubernetesClient client) {
    Allocations a = new Allocations();
    for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
      String node = p.getSpec().getNodeName();
      String value = p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(Keys.GPUS);
      String phase = p.getStatus() == null ? "" : String.valueOf(p.getStatus().getPhase());
      if (node == null || node.isEmpty() || value == null || phase.equals("Succeeded") || phase.equals("Failed")) {
        continue;
      }
      a.byPod.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), GpusAnnotation.decode(value));
    }
    return a;
  }

  /** The assignment {@code pod} records, if it carries one. */
  public static Optional<Assignment> fromPod(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    return Optional.ofNullable(a == null ? null : a.get(Keys.GPUS)).map(GpusAnnotation::decode);
  }

  public Optional<Assignment> of(String podKey) {
    return Optional.ofNullable(byPod.get(podKey));
  }

  public Map<String, Assignment> all() {
    return byPod;
  }

  /**
   * Every double booking: a whole GPU held by two pods or by a pod and a share, shares of one GPU
   * adding up past 1000, a MIG instance held twice. Empty when the cluster is consistent.
   */
  public List<String> conflicts() {
    Map<String, List<String>> whole = new TreeMap<>();
    Map<String, Integer> shares = new TreeMap<>();
    Map<String, List<String>> migs = new TreeMap<>();
    for (var e : byPod.entrySet()) {
      Assignment a = e.getValue();
      if (a.isShare()) {
        shares.merge(a.node() + "/gpu" + a.gpus().get(0), a.milli(), Integer::sum);
        continue;
      }
      for (int g : a.gpus()) {
        whole.computeIfAbsent(a.node() + "/gpu" + g, k -> new ArrayList<>()).add(e.getKey());
      }
      for (MigSlot m : a.mig()) {
        migs.computeIfAbsent(a.node() + "/gpu" + m.gpu() + "/" + m.start() + ":" + m.size(), k -> new ArrayList<>())
            .add(e.getKey());
      }
    }
    List<String> out = new ArrayList<>();
    whole.forEach((gpu, pods) -> {
      if (pods.size() > 1) {
        out.add(gpu + " held by " + pods);
      }
      if (shares.containsKey(gpu)) {
        out.add(gpu + " held whole by " + pods + " and shared by others");
      }
    });
    shares.forEach((gpu, milli) -> {
      if (milli > 1000) {
        out.add(gpu + " shared " + milli + "/1000");
      }
    });
    migs.forEach((slot, pods) -> {
      if (pods.size() > 1) {
        out.add(slot + " held by " + pods);
      }
    });
    return out;
  }
}
