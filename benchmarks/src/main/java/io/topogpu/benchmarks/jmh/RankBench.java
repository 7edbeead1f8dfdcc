package io.topogpu.benchmarks.jmh;

import io.topogpu.benchmarks.load.SyntheticCluster;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Decision;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link Placer#rank} of one pending k-GPU pod over a 5,000-node synthetic cluster at 70 %
 * occupancy (the load benchmark's cluster): every node evaluated, the feasible ones scored. The
 * GPU-set memo is warm after the first invocation, as in a running extender.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RankBench {
  @Param({"5000"})
  public int nodes;

  @Param({"1", "4", "8"})
  public int k;

  private Placer placer;
  private Collection<NodeState> states;
  private PodInfo pod;

  @Setup
  public void setUp() {
    SyntheticCluster cluster = SyntheticCluster.generate(nodes, 0.7, 0, 42);
    placer = new Placer(Policy.defaults());
    states = cluster.ledger(placer).nodes();
    pod = SyntheticCluster.pod("bench", "pending", new GpuRequest.WholeGpus(k));
  }

  @Benchmark
  public Decision rank() {
    return placer.rank(pod, states);
  }

  /**
   * What the extender's filter runs per node: {@link Placer#check}, the same verdict as {@link
   * #rank} without the post-placement state and the score.
   */
  @Benchmark
  public int check() {
    int feasible = 0;
    for (NodeState n : states) {
      if (placer.check(pod, n).isEmpty()) {
        feasible++;
      }
    }
    return feasible;
  }

  /**
   * Only the question filter asks, for the same pod and nodes: does a k-set of free GPUs exist
   * (free mask, then the memoised chooser), without building the post-placement state and scoring
   * it. The cost a filter that does not score would have; compare with {@link #rank}.
   */
  @Benchmark
  public int fitOnly() {
    int feasible = 0;
    for (NodeState n : states) {
      if (n.topology().isPresent() && placer.chooser()
          .choose(n.topology().get(), n.shape(), n.freeMask(), k, LinkConstraint.NONE).isPresent()) {
        feasible++;
      }
    }
    return feasible;
  }
}
