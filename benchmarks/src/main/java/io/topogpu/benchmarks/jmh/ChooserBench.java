package io.topogpu.benchmarks.jmh;

import io.topogpu.scheduler.model.LinkConstraint;
import io.topogpu.scheduler.model.Shape;
import io.topogpu.scheduler.placement.GpuSet;
import io.topogpu.scheduler.placement.GpuSetChooser;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.Optional;
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
 * Best k-GPU set on a real shape with every GPU free except GPU 1 (a node with one small job on
 * it, so the search is not the trivial all-free case). {@code cold}: a chooser without memo, the
 * full search every call (exhaustive up to 16 GPUs). {@code memoised}: the memo already holds the
 * answer, the steady state of a busy extender (one lookup on (shape, free mask, k, constraint)).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChooserBench {
  @Param({"dgx-a100-8gpu-nv12", "hgx-h100-8gpu-nv18-pix-nics", "l40s-8gpu-pcie-node-sys",
      "azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs", "dgx2-v100-16gpu-nvswitch-nv6-reconstructed"})
  public String shape;

  @Param({"1", "2", "4", "8"})
  public int k;

  private NodeTopology topology;
  private Shape fingerprint;
  private long free;
  private GpuSetChooser memoised;

  @Setup
  public void setUp() {
    topology = Shapes.load(shape);
    fingerprint = Shape.of(topology);
    free = ((1L << topology.gpuCount()) - 1) & ~(1L << 1);
    memoised = new GpuSetChooser(1024);
    memoised.choose(topology, fingerprint, free, k, LinkConstraint.NONE);
  }

  @Benchmark
  public Optional<GpuSet> cold() {
    return new GpuSetChooser(0).choose(topology, fingerprint, free, k, LinkConstraint.NONE);
  }

  @Benchmark
  public Optional<GpuSet> memoised() {
    return memoised.choose(topology, fingerprint, free, k, LinkConstraint.NONE);
  }
}
