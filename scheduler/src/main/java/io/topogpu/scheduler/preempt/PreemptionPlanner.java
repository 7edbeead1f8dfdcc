package io.topogpu.scheduler.preempt;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.NodeEvaluation;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Rejection;
import io.topogpu.scheduler.preempt.PreemptionPlan.NodeChoice;
import io.topogpu.topology.model.NodeTopology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The preempt verb's decision, on the placement core: for each node kube-scheduler proposes,
 * whether evicting lower-priority pods there frees GPUs that satisfy the preemptor's request and
 * constraints (whole GPUs with their link requirement, MIG profile, share, {@code
 * placement-required}: the same {@link Placer#check} as filter), and the cheapest such victims
 * ({@link VictimSearch}, {@link VictimCost}).
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>only pods of strictly lower priority than the preemptor are ever victims; GPUs reserved for
 *       a gang or held by pods topogpu does not know are never freed;
 *   <li>victims are chosen among every GPU pod on the node, not only among kube-scheduler's
 *       proposal (which counts GPUs but not which ones): its proposal is trimmed, or replaced
 *       where its GPUs would not form the set the preemptor needs;
 *   <li>a gang member brings its whole gang (every member, on every node) into one unit; a gang
 *       with any member of priority ≥ the preemptor's is not evictable;
 *   <li>the answer lists per node only that node's pods (kube-scheduler evicts on the one node it
 *       picks, and rejects pods it does not know there): members of a chosen gang on other nodes
 *       are returned as {@link NodeChoice#offNode} for topogpu to evict itself once the node's
 *       members are gone ({@link GangEvictions});
 *   <li>since kube-scheduler picks among the kept nodes by its own ranking, which sees only the
 *       node's pods, a node whose choice reaches other nodes is refused whenever some node's choice
 *       does not.
 * </ul>
 *
 * Pure: reads immutable node states and pods through {@link View}; the caller acts on the plan.
 */
public final class PreemptionPlanner {

  /** What the planner reads; the cluster state in the extender, plain maps in tests. */
  public interface View {
    Optional<NodeState> node(String name);

    Optional<PodInfo> pod(String key);

    /** Every pod known (for gang membership). */
    Collection<PodInfo> pods();
  }

  private final Placer placer;
  private final Function<PodInfo, Optional<String>> gangOf;

  /** @param gangOf the key of the gang a pod belongs to, if any */
  public PreemptionPlanner(Placer placer, Function<PodInfo, Optional<String>> gangOf) {
    this.placer = placer;
    this.gangOf = gangOf;
  }

  /**
   * @param proposed kube-scheduler's candidate nodes with the UIDs of the victims it proposes
   */
  public PreemptionPlan plan(
      PodInfo preemptor, Map<String, List<String>> proposed, View view, Instant now) {
    VictimPool pool = new VictimPool(view, gangOf, preemptor.priority());
    Map<String, NodeChoice> kept = new LinkedHashMap<>();
    Map<String, String> refused = new LinkedHashMap<>();
    for (var e : proposed.entrySet()) {
      String name = e.getKey();
      Optional<NodeState> node = view.node(name);
      if (node.isEmpty()) {
        refused.put(name, "node not in topogpu's cache");
        continue;
      }
      NodeState base = node.get().without(preemptor.key());
      List<EvictionUnit> units = pool.on(base);
      Set<String> gpuUids = new HashSet<>();
      base.pods().keySet().forEach(k -> view.pod(k).ifPresent(p -> gpuUids.add(p.uid())));
      List<String> passThrough =
          e.getValue().stream().filter(uid -> !gpuUids.contains(uid)).toList();
      Optional<VictimSearch.Choice> choice = VictimSearch.cheapest(
          units, u -> check(preemptor, base, u).isEmpty(), now, bound(preemptor, base));
      if (choice.isEmpty()) {
        Rejection still = check(preemptor, base, units).orElseThrow();
        refused.put(name, "evicting all " + units.size() + " lower-priority GPU pods or gangs is not"
            + " enough: the node would still " + still.explain());
        continue;
      }
      VictimSearch.Choice c = choice.get();
      List<String> uids = new ArrayList<>();
      List<Victim> offNode = new ArrayList<>();
      for (EvictionUnit u : c.units()) {
        for (Victim v : u.pods()) {
          if (v.node().equals(name)) {
            uids.add(v.uid());
          } else {
            offNode.add(v);
          }
        }
      }
      uids.addAll(passThrough);
      if (uids.isEmpty()) {
        refused.put(name, "the pod fits topogpu's view of the node's GPUs without evicting anything");
        continue;
      }
      NodeEvaluation gets = placer.evaluate(preemptor, after(base, c.units()));
      kept.put(name, new NodeChoice(name, c.units(), uids, offNode, c.cost(), c.proven(),
          gets.assignment().orElseThrow(() -> new IllegalStateException("preemptor " + preemptor.key()
              + " was checked to fit on " + name + " but does not: " + gets.rejection()))));
    }
    preferSelfContained(kept, refused);
    return new PreemptionPlan(preemptor, kept, refused);
  }

  /** Refuses the kept nodes whose victims reach other nodes when some kept node's do not. */
  private static void preferSelfContained(Map<String, NodeChoice> kept, Map<String, String> refused) {
    boolean anyLocal = kept.values().stream().anyMatch(c -> c.offNode().isEmpty());
    if (!anyLocal) {
      return;
    }
    kept.values().removeIf(c -> {
      if (c.offNode().isEmpty()) {
        return false;
      }
      refused.put(c.node(), "its victims include gang members on other nodes ("
          + c.offNode().size() + " pods), and other nodes need no eviction elsewhere");
      return true;
    });
  }

  Optional<Rejection> check(PodInfo preemptor, NodeState base, List<EvictionUnit> evicted) {
    return placer.check(preemptor, after(base, evicted));
  }

  /** {@code base} once {@code evicted}'s pods on it are gone. */
  private static NodeState after(NodeState base, List<EvictionUnit> evicted) {
    NodeState s = base;
    for (EvictionUnit u : evicted) {
      for (Victim v : u.on(base.name())) {
        s = s.without(v.key());
      }
    }
    return s;
  }

  /**
   * For whole-GPU requests: a victim set must free at least the GPUs missing on the node (a share
   * counts as freeing its GPU, an upper bound; MIG instances free no whole GPU).
   */
  static VictimSearch.Bound bound(PodInfo pod, NodeState base) {
    if (!(pod.request().orElse(null) instanceof GpuRequest.WholeGpus w)) {
      return VictimSearch.Bound.NONE;
    }
    double missing = w.count() - Long.bitCount(base.freeMask());
    String node = base.name();
    return new VictimSearch.Bound(u -> {
      double n = 0;
      for (Victim v : u.on(node)) {
        Assignment a = base.pods().get(v.key());
        n += a == null || !a.mig().isEmpty() ? 0 : a.gpus().size();
      }
      return n;
    }, missing);
  }

  /** {@code pod} as a victim on {@code node}, with the GPUs the ledger has it hold there. */
  static Victim victim(PodInfo pod, NodeState node) {
    Assignment a = node.pods().get(pod.key());
    return new Victim(pod.key(), pod.uid(), node.name(), pod.priority(), pod.startTime(),
        a == null ? 0 : gpus(a, node));
  }

  static double gpus(Assignment a, NodeState node) {
    if (!a.mig().isEmpty()) {
      NodeTopology t = node.topology().orElse(null);
      double sum = 0;
      for (MigSlot s : a.mig()) {
        int slices = t == null || s.gpu() >= t.gpuCount() || t.gpu(s.gpu()).mig().slices() == 0
            ? 8 : t.gpu(s.gpu()).mig().slices();
        sum += (double) s.size() / slices;
      }
      return sum;
    }
    return a.isShare() ? a.milli() / (double) NodeState.MILLI_PER_GPU : a.gpus().size();
  }
}
