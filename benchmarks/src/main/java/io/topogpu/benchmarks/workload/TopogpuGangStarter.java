package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.gang.GangIdentity;
import io.topogpu.scheduler.gang.GangPlacement;
import io.topogpu.scheduler.gang.GangPlanResult;
import io.topogpu.scheduler.gang.GangPlanner;
import io.topogpu.scheduler.gang.GangRequest;
import io.topogpu.scheduler.gang.GangSource;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.tiers.NetworkTiers;
import io.topogpu.scheduler.tiers.TierConfig;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * topogpu with gangs: the scheduler module's own {@link GangPlanner} (the code the extender runs) with
 * the default tier configuration, so the simulated nodes' {@code network.topology.nvidia.com/leaf|spine|core}
 * labels are read exactly as in a cluster. The planner searches node, then each tier, then the cluster,
 * tightest first; a rejection means the job waits. The starvation hold's target is the planner's own
 * {@link GangPlanner#holdTarget}, as the extender's {@code GangCoordinator} asks it.
 */
public final class TopogpuGangStarter implements GangStarter {
  private final GangPlanner planner =
      new GangPlanner(new Placer(Policy.defaults()), new NetworkTiers(TierConfig.defaults()));

  @Override
  public Optional<List<Assignment>> start(String job, List<PodSlot> pods, Collection<NodeState> nodes) {
    if (!PodSlot.mayFit(pods, nodes)) {
      return Optional.empty();
    }
    GangRequest request = request(job, pods);
    GangPlanResult result = planner.plan(request, nodes);
    if (result instanceof GangPlacement placed) {
      return Optional.of(request.members().stream().map(m -> placed.assignments().get(m.key())).toList());
    }
    return Optional.empty();
  }

  @Override
  public Optional<List<String>> holdTarget(String job, List<PodSlot> pods, Collection<NodeState> nodes) {
    return planner.holdTarget(request(job, pods), nodes);
  }

  private static GangRequest request(String job, List<PodSlot> pods) {
    List<PodInfo> members = pods.stream().map(p -> TopogpuPlacer.pod(p.key(), p.gpus())).toList();
    return GangRequest.of(new GangIdentity(TopogpuPlacer.NAMESPACE, job, pods.size(), GangSource.TOPOGPU), members);
  }
}
