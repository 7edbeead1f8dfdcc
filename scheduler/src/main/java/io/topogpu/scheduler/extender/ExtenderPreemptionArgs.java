package io.topogpu.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * Body of the preempt call ({@code k8s.io/kube-scheduler/extender/v1.ExtenderPreemptionArgs}):
 * the pod to make room for and, per candidate node, the victims kube-scheduler's own dry run
 * proposes. Full pods under {@code NodeNameToVictims} ({@code nodeCacheCapable: false}; the
 * legacy key {@code nodeToVictims} is accepted too), UIDs only under {@code
 * NodeNameToMetaVictims} ({@code nodeCacheCapable: true}); when both are present the meta form
 * wins. Validated on construction: a pod with a name, one of the two maps, and every victim named
 * by a UID.
 */
public record ExtenderPreemptionArgs(
    @JsonProperty("Pod") Pod pod,
    @JsonProperty("NodeNameToVictims") @JsonAlias("nodeToVictims") Map<String, Victims> nodeNameToVictims,
    @JsonProperty("NodeNameToMetaVictims") Map<String, MetaVictims> nodeNameToMetaVictims) {

  /** Full victim pods of one node. */
  public record Victims(
      @JsonProperty("Pods") List<Pod> pods, @JsonProperty("NumPDBViolations") long numPdbViolations) {
    public Victims {
      pods = pods == null ? List.of() : pods;
    }
  }

  /** A victim named by UID only. */
  public record MetaPod(@JsonProperty("UID") String uid) {}

  /** Victim UIDs of one node; also the response's form. */
  public record MetaVictims(
      @JsonProperty("Pods") List<MetaPod> pods,
      @JsonProperty("NumPDBViolations") long numPdbViolations) {
    public MetaVictims {
      pods = pods == null ? List.of() : List.copyOf(pods);
    }
  }

  public ExtenderPreemptionArgs {
    if (pod == null) {
      throw new IllegalArgumentException("Pod: required");
    }
    if (pod.getMetadata() == null || pod.getMetadata().getName() == null
        || pod.getMetadata().getName().isBlank()) {
      throw new IllegalArgumentException("Pod.metadata.name: required");
    }
    if (nodeNameToVictims == null && nodeNameToMetaVictims == null) {
      throw new IllegalArgumentException(
          "NodeNameToVictims or NodeNameToMetaVictims: one of them is required");
    }
    if (nodeNameToMetaVictims != null) {
      nodeNameToMetaVictims.forEach((node, v) -> {
        List<MetaPod> pods = v == null ? List.of() : v.pods();
        for (int i = 0; i < pods.size(); i++) {
          String uid = pods.get(i) == null ? null : pods.get(i).uid();
          if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("NodeNameToMetaVictims." + node + ".Pods[" + i
                + "].UID: must be a pod UID, got " + ExtenderArgs.quoted(uid));
          }
        }
      });
    } else {
      nodeNameToVictims.forEach((node, v) -> {
        List<Pod> pods = v == null ? List.of() : v.pods();
        for (int i = 0; i < pods.size(); i++) {
          Pod p = pods.get(i);
          String uid = p == null || p.getMetadata() == null ? null : p.getMetadata().getUid();
          if (uid == null || uid.isBlank()) {
            throw new IllegalArgumentException("NodeNameToVictims." + node + ".Pods[" + i
                + "].metadata.uid: must be a pod UID, got " + ExtenderArgs.quoted(uid));
          }
        }
      });
    }
  }
}
