package io.topogpu.scheduler.testing;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.Placement;
import io.topogpu.scheduler.model.PodInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Fluent builder of {@link PodInfo} fixtures:
 *
 * <pre>{@code
 * MakePod.named("p").gpus(4).required("nvlink").obj();
 * MakePod.named("m").mig("1g.10gb", 1).on("a100").obj();
 * }</pre>
 *
 * Namespace {@code default} unless {@link #namespace} says otherwise; pending unless {@link #on}.
 */
public final class MakePod {
  private String namespace = "default";
  private final String name;
  private GpuRequest request;
  private String required;
  private String preferred;
  private String node;
  private String phase = "Pending";
  private Assignment assignment;
  private Assignment allocated;
  private final Map<String, String> annotations = new LinkedHashMap<>();
  private int priority;
  private Instant startTime;

  private MakePod(String name) {
    this.name = name;
  }

  public static MakePod named(String name) {
    return new MakePod(name);
  }

  public MakePod namespace(String ns) {
    this.namespace = ns;
    return this;
  }

  public MakePod gpus(int k) {
    this.request = new GpuRequest.WholeGpus(k);
    return this;
  }

  public MakePod mig(String profile, int count) {
    this.request = new GpuRequest.MigInstances(profile, count);
    return this;
  }

  public MakePod milli(int milli) {
    this.request = new GpuRequest.GpuShare(milli);
    return this;
  }

  public MakePod required(String level) {
    this.required = level;
    return this;
  }

  public MakePod preferred(String level) {
    this.preferred = level;
    return this;
  }

  /** Bound to {@code node} and running. */
  public MakePod on(String node) {
    this.node = node;
    this.phase = "Running";
    return this;
  }

  public MakePod phase(String phase) {
    this.phase = phase;
    return this;
  }

  /** Carries this decoded {@code topogpu.io/gpus} annotation. */
  public MakePod holding(Assignment a) {
    this.assignment = a;
    return this;
  }

  /** {@code spec.priority}. */
  public MakePod priority(int p) {
    this.priority = p;
    return this;
  }

  /** {@code status.startTime}. */
  public MakePod startedAt(Instant t) {
    this.startTime = t;
    return this;
  }

  /** Carries this decoded {@code topogpu.io/allocated} annotation (what the kubelet really gave it). */
  public MakePod allocated(Assignment a) {
    this.allocated = a;
    return this;
  }

  public MakePod annotation(String key, String value) {
    annotations.put(key, value);
    return this;
  }

  public PodInfo obj() {
    return new PodInfo(namespace, name, "uid-" + name, Map.of(), annotations, Optional.ofNullable(request),
        Placement.of(required, preferred), Optional.ofNullable(assignment), Optional.ofNullable(node), phase, priority,
        Optional.ofNullable(startTime), "", Optional.ofNullable(allocated));
  }
}
