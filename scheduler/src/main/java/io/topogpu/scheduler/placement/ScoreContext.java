package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import java.util.Optional;

/**
 * Everything a score term may look at for one feasible node, computed once per evaluation.
 *
 * @param before the node as the pod found it
 * @param after the node with {@code assignment} held
 * @param chosen for whole-GPU requests, the chosen set and its objective value
 * @param ideal for whole-GPU requests, the best set of the same size on this node shape with every
 *     usable GPU free: the yardstick of topology quality
 */
public record ScoreContext(
    PodInfo pod,
    GpuRequest request,
    NodeState before,
    NodeState after,
    Assignment assignment,
    Optional<GpuSet> chosen,
    Optional<GpuSet> ideal) {}
