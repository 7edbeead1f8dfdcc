package io.topogpu.benchmarks.jmh;

import io.topogpu.benchmarks.load.SyntheticCluster;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.GpuRequest;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A ledger update as bind and the informer's delete make it: {@link Ledger#allocate} of a 4-GPU
 * assignment on a busy node of a 5,000-node cluster, then {@link Ledger#release}. Each replaces the
 * node's immutable state, re-accounting its holdings.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LedgerBench {
  private Ledger ledger;
  private Assignment assignment;

  @Setup
  public void setUp() {
    SyntheticCluster cluster = SyntheticCluster.generate(5000, 0.7, 0, 42);
    Placer placer = new Placer(Policy.defaults());
    ledger = cluster.ledger(placer);
    PodInfo pod = SyntheticCluster.pod("bench", "bound", new GpuRequest.WholeGpus(4));
    assignment = ledger.nodes().stream()
        .filter(n -> !n.pods().isEmpty())
        .map(n -> placer.evaluate(pod, n))
        .filter(e -> e.feasible())
        .findFirst().flatMap(e -> e.assignment())
        .orElseThrow(() -> new IllegalStateException("no busy node with 4 free GPUs"));
  }

  @Benchmark
  public Optional<Assignment> allocateRelease() {
    ledger.allocate("bench/bound", assignment);
    return ledger.release("bench/bound");
  }

  /** The node state a filter call reads: one lock-free map lookup. */
  @Benchmark
  public Optional<NodeState> read() {
    return ledger.node(assignment.node());
  }
}
