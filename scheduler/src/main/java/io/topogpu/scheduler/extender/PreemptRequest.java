package io.topogpu.scheduler.extender;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoded preempt request: the preemptor and, per candidate node in kube-scheduler's order, the
 * UIDs of the victims it proposes and its count of PodDisruptionBudget violations.
 */
public record PreemptRequest(Pod pod, Map<String, NodeVictims> candidates) {

  /** Victims on one node, by UID. */
  public record NodeVictims(List<String> uids, long pdbViolations) {
    public NodeVictims {
      uids = List.copyOf(uids);
    }
  }

  public PreemptRequest {
    candidates = Collections.unmodifiableMap(new LinkedHashMap<>(candidates));
  }

  /** The request form of validated wire arguments; the meta form wins when both are present. */
  public static PreemptRequest from(ExtenderPreemptionArgs args) {
    Map<String, NodeVictims> out = new LinkedHashMap<>();
    if (args.nodeNameToMetaVictims() != null) {
      args.nodeNameToMetaVictims().forEach((node, v) -> {
        List<String> uids = new ArrayList<>();
        long pdb = 0;
        if (v != null) {
          v.pods().forEach(p -> uids.add(p.uid()));
          pdb = v.numPdbViolations();
        }
        out.put(node, new NodeVictims(uids, pdb));
      });
    } else {
      args.nodeNameToVictims().forEach((node, v) -> {
        List<String> uids = new ArrayList<>();
        long pdb = 0;
        if (v != null) {
          v.pods().forEach(p -> uids.add(p.getMetadata().getUid()));
          pdb = v.numPdbViolations();
        }
        out.put(node, new NodeVictims(uids, pdb));
      });
    }
    return new PreemptRequest(args.pod(), out);
  }
}
