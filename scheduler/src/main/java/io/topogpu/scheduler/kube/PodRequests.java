package io.topogpu.scheduler.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.topology.Keys;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A pod's effective request of the managed resources ({@code nvidia.com/gpu}, {@code
 * nvidia.com/mig-<profile>}, {@code topogpu.io/gpu-milli}) by Kubernetes' rules for init
 * containers (KEP-753 sidecars included), per resource:
 *
 * <pre>
 *   sidecars = Σ requests of restartable init containers (restartPolicy: Always)
 *   initPeak = max over init containers i of
 *                request(i) + Σ requests of the sidecars declared before i   (ordinary i)
 *                Σ requests of the sidecars up to and including i             (sidecar i)
 *   effective = max(Σ requests of app containers + sidecars, initPeak)
 * </pre>
 *
 * Example: init containers asking 2 and 1 GPUs, app containers 1 + 1: max(2, 1, 1 + 1) = 2. For an
 * extended resource a limit without a request is the request. A pod gets one kind of GPU
 * resource: asking for two kinds (or two MIG profiles) is rejected, as is a fractional count.
 */
final class PodRequests {
  private PodRequests() {}

  static Optional<GpuRequest> of(PodSpec spec) {
    Map<String, Long> effective = new TreeMap<>();
    List<Container> init = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
    List<Container> app = spec.getContainers() == null ? List.of() : spec.getContainers();
    Map<String, Long> sidecars = new TreeMap<>();
    Map<String, Long> initPeak = new TreeMap<>();
    for (int i = 0; i < init.size(); i++) {
      String path = "spec.initContainers[" + i + "]";
      Container c = present(init.get(i), path);
      Map<String, Long> r = managed(c, path);
      boolean sidecar = "Always".equals(c.getRestartPolicy());
      if (sidecar) {
        r.forEach((k, v) -> sidecars.merge(k, v, (a, b) -> sum(a, b, k, path)));
        sidecars.forEach((k, v) -> initPeak.merge(k, v, Math::max));
      } else {
        r.forEach((k, v) -> initPeak.merge(k, sum(v, sidecars.getOrDefault(k, 0L), k, path), Math::max));
      }
    }
    for (int i = 0; i < app.size(); i++) {
      String path = "spec.containers[" + i + "]";
      managed(present(app.get(i), path), path)
          .forEach((k, v) -> effective.merge(k, v, (a, b) -> sum(a, b, k, path)));
    }
    sidecars.forEach((k, v) -> effective.merge(k, v, (a, b) -> sum(a, b, k, "spec.initContainers")));
    initPeak.forEach((k, v) -> effective.merge(k, v, Math::max));
    effective.values().removeIf(v -> v == 0);
    if (effective.isEmpty()) {
      return Optional.empty();
    }
    if (effective.size() > 1) {
      throw new KubeObjectException("spec: requests " + String.join(" and ", effective.keySet())
          + "; topogpu places one GPU resource kind per pod");
    }
    var e = effective.entrySet().iterator().next();
    long n = e.getValue();
    String resource = e.getKey();
    if (resource.equals(Keys.RESOURCE_GPU_MILLI)) {
      if (n > GpuRequest.GpuShare.WHOLE) {
        throw new KubeObjectException("spec: " + Keys.RESOURCE_GPU_MILLI + " must be 1..1000 (a share of one GPU), got " + n);
      }
      return Optional.of(new GpuRequest.GpuShare((int) n));
    }
    if (n > Integer.MAX_VALUE) {
      throw new KubeObjectException("spec: " + resource + " request too large: " + n);
    }
    if (resource.equals(Keys.RESOURCE_GPU)) {
      return Optional.of(new GpuRequest.WholeGpus((int) n));
    }
    return Optional.of(new GpuRequest.MigInstances(resource.substring(Keys.RESOURCE_MIG_PREFIX.length()), (int) n));
  }

  private static Container present(Container c, String path) {
    if (c == null) {
      throw new KubeObjectException(path + ": null");
    }
    return c;
  }

  /** An exact sum: a total that does not fit in a long is refused, never wrapped. */
  private static long sum(long a, long b, String resource, String path) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new KubeObjectException(path + ".resources.requests[" + resource + "]: the pod's total"
          + " request of " + resource + " is too large (over " + Long.MAX_VALUE + ")");
    }
  }

  static boolean isManaged(String resource) {
    return resource.equals(Keys.RESOURCE_GPU) || resource.equals(Keys.RESOURCE_GPU_MILLI)
        || (resource.startsWith(Keys.RESOURCE_MIG_PREFIX) && resource.length() > Keys.RESOURCE_MIG_PREFIX.length());
  }

  /** Managed resource → count of one container; requests, else limits. */
  private static Map<String, Long> managed(Container c, String path) {
    Map<String, Long> out = new TreeMap<>();
    if (c.getResources() == null) {
      return out;
    }
    Map<String, Quantity> limits = Optional.ofNullable(c.getResources().getLimits()).orElse(Map.of());
    Map<String, Quantity> requests = Optional.ofNullable(c.getResources().getRequests()).orElse(Map.of());
    limits.forEach((k, q) -> {
      if (isManaged(k)) {
        out.put(k, count(q, path + ".resources.limits[" + k + "]"));
      }
    });
    requests.forEach((k, q) -> {
      if (isManaged(k)) {
        out.put(k, count(q, path + ".resources.requests[" + k + "]"));
      }
    });
    return out;
  }

  static long count(Quantity q, String path) {
    if (q == null || q.getAmount() == null) {
      throw new KubeObjectException(path + ": null");
    }
    BigDecimal v;
    try {
      v = q.getNumericalAmount();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new KubeObjectException(path + ": not a quantity: '" + q + "'");
    }
    if (v.signum() < 0 || v.stripTrailingZeros().scale() > 0) {
      throw new KubeObjectException(path + ": must be a whole non-negative number, got '" + q + "'");
    }
    try {
      return v.longValueExact();
    } catch (ArithmeticException e) {
      throw new KubeObjectException(path + ": too large: '" + q + "'");
    }
  }
}
