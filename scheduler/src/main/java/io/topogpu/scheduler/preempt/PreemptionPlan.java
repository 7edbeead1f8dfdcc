package io.topogpu.scheduler.preempt;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.PodInfo;
import java.util.List;
import java.util.Map;

/**
 * The per-pod preemption answer over kube-scheduler's candidate nodes: the nodes kept, each with
 * its victims, and the nodes refused, each with why (as data, for events and logs).
 */
public record PreemptionPlan(
    PodInfo preemptor, Map<String, NodeChoice> kept, Map<String, String> refused) {

  public PreemptionPlan {
    kept = Map.copyOf(kept);
    refused = Map.copyOf(refused);
  }

  /**
   * One kept node.
   *
   * @param units the units evicted (a gang's members on other nodes included)
   * @param victimUids what to evict on {@code node}, as the wire names it: the chosen units'
   *     pods there, then the pods kube-scheduler proposed that hold no GPUs (it chose those for
   *     resources topogpu does not account, such as CPU or memory, so they stay)
   * @param offNode members of the chosen gangs running on other nodes: topogpu evicts them once
   *     kube-scheduler has evicted this node's ({@link GangEvictions})
   * @param proven whether the victim set was proven cheapest by exhaustive search
   * @param gets the devices the preemptor gets on {@code node} once the victims are gone (what
   *     {@link Nominations} holds for it meanwhile)
   */
  public record NodeChoice(
      String node,
      List<EvictionUnit> units,
      List<String> victimUids,
      List<Victim> offNode,
      VictimCost cost,
      boolean proven,
      Assignment gets) {
    public NodeChoice {
      units = List.copyOf(units);
      victimUids = List.copyOf(victimUids);
      offNode = List.copyOf(offNode);
    }
  }
}
