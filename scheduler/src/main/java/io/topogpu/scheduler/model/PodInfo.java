package io.topogpu.scheduler.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parts of a pod placement looks at, decoded and validated once at the edge.
 *
 * @param request the managed resources the pod asks for; empty when it asks for none (then the pod
 *     is not topogpu's to place, and holds nothing in the ledger)
 * @param assignment the decoded {@code topogpu.io/gpus} annotation, when the pod carries one
 * @param nodeName the node the pod is bound to; empty when pending
 * @param phase the pod's status phase ({@code Pending}, {@code Running}, ...); empty when unknown
 * @param priority {@code spec.priority} (resolved from the PriorityClass by admission); 0 when unset,
 *     as kube-scheduler treats a pod without one
 * @param startTime {@code status.startTime}: when the kubelet accepted the pod; empty while pending
 *     (preemption counts the GPU-hours of work a victim loses from it)
 * @param schedulerName the pod's {@code spec.schedulerName}; empty when not set (an API server
 *     always sets it, a hand-written object may not)
 * @param allocated the decoded {@code topogpu.io/allocated} annotation: what the node agent read from
 *     the kubelet's PodResources as really allocated to the pod (no gang part); empty when absent
 */
public record PodInfo(
    String namespace,
    String name,
    String uid,
    Map<String, String> labels,
    Map<String, String> annotations,
    Optional<GpuRequest> request,
    Placement placement,
    Optional<Assignment> assignment,
    Optional<String> nodeName,
    String phase,
    int priority,
    Optional<Instant> startTime,
    String schedulerName,
    Optional<Assignment> allocated) {

  public PodInfo {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    uid = Objects.requireNonNullElse(uid, "");
    labels = Map.copyOf(labels == null ? Map.of() : labels);
    annotations = Map.copyOf(annotations == null ? Map.of() : annotations);
    request = Objects.requireNonNullElse(request, Optional.empty());
    placement = Objects.requireNonNullElse(placement, Placement.NONE);
    assignment = Objects.requireNonNullElse(assignment, Optional.empty());
    nodeName = Objects.requireNonNullElse(nodeName, Optional.<String>empty()).filter(n -> !n.isEmpty());
    phase = Objects.requireNonNullElse(phase, "");
    startTime = Objects.requireNonNullElse(startTime, Optional.empty());
    schedulerName = Objects.requireNonNullElse(schedulerName, "");
    allocated = Objects.requireNonNullElse(allocated, Optional.empty());
  }

  /** A pod without a {@code topogpu.io/allocated} annotation. */
  public PodInfo(String namespace, String name, String uid, Map<String, String> labels,
      Map<String, String> annotations, Optional<GpuRequest> request, Placement placement,
      Optional<Assignment> assignment, Optional<String> nodeName, String phase, int priority,
      Optional<Instant> startTime, String schedulerName) {
    this(namespace, name, uid, labels, annotations, request, placement, assignment, nodeName, phase, priority,
        startTime, schedulerName, Optional.empty());
  }

  /** A pod whose {@code spec.schedulerName} is not known. */
  public PodInfo(String namespace, String name, String uid, Map<String, String> labels,
      Map<String, String> annotations, Optional<GpuRequest> request, Placement placement,
      Optional<Assignment> assignment, Optional<String> nodeName, String phase, int priority,
      Optional<Instant> startTime) {
    this(namespace, name, uid, labels, annotations, request, placement, assignment, nodeName, phase, priority,
        startTime, "");
  }

  /** A pod of priority 0 with no start time, of the given scheduler. */
  public PodInfo(String namespace, String name, String uid, Map<String, String> labels,
      Map<String, String> annotations, Optional<GpuRequest> request, Placement placement,
      Optional<Assignment> assignment, Optional<String> nodeName, String phase, String schedulerName) {
    this(namespace, name, uid, labels, annotations, request, placement, assignment, nodeName, phase, 0,
        Optional.empty(), schedulerName);
  }

  /** A pod of priority 0 with no start time (tests, simulators, gang placeholders). */
  public PodInfo(String namespace, String name, String uid, Map<String, String> labels,
      Map<String, String> annotations, Optional<GpuRequest> request, Placement placement,
      Optional<Assignment> assignment, Optional<String> nodeName, String phase) {
    this(namespace, name, uid, labels, annotations, request, placement, assignment, nodeName, phase, 0,
        Optional.empty(), "");
  }

  /**
   * What the ledger counts the pod as holding on its node: the devices the kubelet really
   * allocated ({@link #allocated}) when the agent reported them for this node, else the scheduler's
   * choice ({@link #assignment}) for this node; empty when neither names the pod's node.
   */
  public Optional<Assignment> held() {
    String node = nodeName.orElse("");
    Optional<Assignment> actual = allocated.filter(a -> a.node().equals(node));
    return actual.isPresent() ? actual : assignment.filter(a -> a.node().equals(node));
  }

  /**
   * Whether the kubelet gave the pod other devices than the scheduler chose: both annotations name
   * the pod's node and their GPUs, MIG instances or share differ.
   */
  public boolean allocationMismatch() {
    String node = nodeName.orElse("");
    Optional<Assignment> actual = allocated.filter(a -> a.node().equals(node));
    Optional<Assignment> chosen = assignment.filter(a -> a.node().equals(node));
    return actual.isPresent() && chosen.isPresent() && !actual.get().sameDevices(chosen.get());
  }

  /** {@code namespace/name}: the ledger's holder id for this pod. */
  public String key() {
    return namespace + "/" + name;
  }

  /** Whether topogpu places this pod: it requests whole GPUs, MIG instances or a GPU share. */
  public boolean managed() {
    return request.isPresent();
  }

  /** Succeeded and Failed pods have released their devices. */
  public boolean terminal() {
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  /** Whether the pod holds GPUs on a node now: managed, bound, not terminal. */
  public boolean holdsGpus() {
    return managed() && nodeName.isPresent() && !terminal();
  }

  public PodInfo withAssignment(Assignment a) {
    return new PodInfo(namespace, name, uid, labels, annotations, request, placement,
        Optional.ofNullable(a), nodeName, phase, priority, startTime, schedulerName, allocated);
  }

  /** This pod as not bound and holding nothing: how a pod seen only in a request is kept. */
  public PodInfo pending() {
    return new PodInfo(namespace, name, uid, labels, annotations, request, placement,
        Optional.empty(), Optional.empty(), "Pending", priority, startTime, schedulerName, allocated);
  }

  public PodInfo boundTo(String node) {
    return new PodInfo(namespace, name, uid, labels, annotations, request, placement, assignment,
        Optional.of(node), phase.isEmpty() ? "Running" : phase, priority, startTime, schedulerName, allocated);
  }

  /** This pod with the given priority and start time. */
  public PodInfo withPriority(int newPriority, Optional<Instant> started) {
    return new PodInfo(namespace, name, uid, labels, annotations, request, placement, assignment,
        nodeName, phase, newPriority, started, schedulerName, allocated);
  }
}
