package io.topogpu.benchmarks.workload;

import io.topogpu.scheduler.ledger.NodeState;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The extender's starvation rule ({@code GangCoordinator} / {@code Starvation} in the scheduler module),
 * replayed on simulated time. A waiting gang <em>starves</em> once it has been rejected at least once
 * and has waited at least {@code after} since it arrived (the extender counts from the gang's first
 * filter, which in the simulator is its arrival). The oldest starving gang (earliest arrival, then queue
 * order) gets a hold on its target nodes ({@code GangPlanner.holdTarget}, asked of the same planner that
 * places it: the fewest, freest nodes of one domain that could take the gang emptied): those nodes are
 * closed to every other job until the held gang starts. At most one hold
 * exists; when its gang starts, the next oldest starving gang may take one.
 *
 * <p>The extender only holds for a gang whose last rejection was <em>resolvable</em> (it would fit were
 * the other pods gone); {@code holdTarget} is empty exactly when no domain of the emptied cluster can hold
 * the gang, so a gang without a target is skipped here as an unresolvable one is there.
 *
 * <p>Also counts what holding cost: how many holds were taken and the GPU-seconds that held nodes had
 * free while held (capacity kept idle so that the gang can start).
 */
final class StarvationHold {
  /** A waiting gang as the rule sees it: its queue index, arrival time and how to find its target. */
  record Waiting(int job, double arrival, boolean rejectedOnce, Supplier<Optional<List<String>>> target) {}

  private final double afterSeconds;
  private int holder = -1;
  private Set<String> nodes = Set.of();
  private int taken;
  private double keptFreeGpuSeconds;

  StarvationHold(double afterSeconds) {
    if (!(afterSeconds > 0)) {
      throw new IllegalArgumentException("starvation threshold: must be positive seconds, got " + afterSeconds);
    }
    this.afterSeconds = afterSeconds;
  }

  /** When a gang that arrives at {@code arrival} first counts as starving. */
  double dueAt(double arrival) {
    return arrival + afterSeconds;
  }

  /**
   * Keeps the current hold while its gang waits; otherwise takes one for the oldest starving gang of
   * {@code queue} (in arrival order) that has a target.
   */
  void refresh(double now, List<Waiting> queue) {
    if (holder >= 0) {
      return;
    }
    for (Waiting w : queue) {
      if (!w.rejectedOnce() || now - w.arrival() < afterSeconds) {
        continue;
      }
      Optional<List<String>> target = w.target().get();
      if (target.isPresent()) {
        holder = w.job();
        nodes = Set.copyOf(target.get());
        taken++;
        return;
      }
    }
  }

  /** Ends the hold when its gang has started. */
  void started(int job) {
    if (job == holder) {
      holder = -1;
      nodes = Set.of();
    }
  }

  /** The nodes {@code job} may use: all of them, less the held ones unless the hold is its own. */
  Collection<NodeState> openTo(int job, Collection<NodeState> all) {
    if (holder < 0 || holder == job) {
      return all;
    }
    return all.stream().filter(n -> !nodes.contains(n.name())).toList();
  }

  /** Adds {@code seconds} × the free GPUs of the held nodes in {@code view} to the kept-free count. */
  void account(double seconds, Collection<NodeState> view) {
    if (holder < 0 || seconds <= 0) {
      return;
    }
    long free = view.stream().filter(n -> nodes.contains(n.name())).mapToLong(PodPlacer::free).sum();
    keptFreeGpuSeconds += free * seconds;
  }

  /** The job holding now, or -1. */
  int holder() {
    return holder;
  }

  Set<String> heldNodes() {
    return nodes;
  }

  int taken() {
    return taken;
  }

  double keptFreeGpuSeconds() {
    return keptFreeGpuSeconds;
  }
}
