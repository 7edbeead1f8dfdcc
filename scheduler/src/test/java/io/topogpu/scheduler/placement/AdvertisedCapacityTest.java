package io.topogpu.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.scheduler.ledger.NodeState;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.Keys;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The extender's capacity is the smaller of what the topology shows and what the kubelet
 * advertises ({@code nvidia.com/gpu} allocatable): a device plugin that left GPUs out (unhealthy)
 * or is not running (0) caps whole GPUs and shares alike, which kube-scheduler does not check for
 * shares and nothing checks for {@code place}.
 */
class AdvertisedCapacityTest {
  private final Placer placer = new Placer(Policy.defaults());

  private static NodeState dgx(long advertised, int... busy) {
    return MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12")
        .allocatable(Keys.RESOURCE_GPU, advertised).busy(busy).state();
  }

  private String code(PodInfo pod, NodeState node) {
    return placer.check(pod, node).map(Rejection::code).orElse("fits");
  }

  @Test
  void fourAdvertisedOfEightRefuseEightGpusAndTakeFour() {
    NodeState node = dgx(4);

    assertThat(code(MakePod.named("p").gpus(8).obj(), node)).isEqualTo("too-few-advertised-gpus");
    assertThat(placer.evaluate(MakePod.named("p").gpus(8).obj(), node).rejection().orElseThrow()
        .resolvable()).isFalse();
    assertThat(code(MakePod.named("p").gpus(4).obj(), node)).isEqualTo("fits");
  }

  @Test
  void usedGpusCountAgainstTheAdvertisedOnes() {
    NodeState node = dgx(4, 0, 1, 2);

    assertThat(code(MakePod.named("p").gpus(2).obj(), node)).isEqualTo("insufficient-advertised-gpus");
    assertThat(code(MakePod.named("p").gpus(1).obj(), node)).isEqualTo("fits");
  }

  @Test
  void noneAdvertisedRefusesWholeGpusAndShares() {
    NodeState node = dgx(0);

    assertThat(code(MakePod.named("p").gpus(1).obj(), node)).isEqualTo("too-few-advertised-gpus");
    assertThat(code(MakePod.named("p").milli(250).obj(), node)).isEqualTo("too-few-advertised-gpus");
  }

  @Test
  void aShareOpensNoGpuBeyondTheAdvertisedOnes() {
    NodeState full = dgx(2, 0, 1);
    NodeState shared = MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12")
        .allocatable(Keys.RESOURCE_GPU, 2).busy(0).share(1, 500).state();

    assertThat(code(MakePod.named("p").milli(250).obj(), full)).isEqualTo("insufficient-advertised-gpus");
    assertThat(placer.evaluate(MakePod.named("p").milli(250).obj(), shared).assignment()
        .orElseThrow().gpus()).containsExactly(1);
  }

  @Test
  void placeChoosesTheNodeThatAdvertisesEnough() {
    NodeState capped = MakeNode.named("capped").shape("dgx-a100-8gpu-nv12")
        .allocatable(Keys.RESOURCE_GPU, 4).state();
    NodeState whole = MakeNode.named("whole").shape("l40s-8gpu-pcie-node-sys")
        .allocatable(Keys.RESOURCE_GPU, 8).state();

    Decision d = placer.rank(MakePod.named("p").gpus(8).obj(), List.of(capped, whole));

    assertThat(d.feasible()).extracting(NodeEvaluation::node).containsExactly("whole");
  }

  @Test
  void aNodeThatAdvertisesNothingAboutGpusIsCappedByItsTopologyAlone() {
    NodeState node = MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").state();

    assertThat(node.advertisedGpus()).isEqualTo(8);
    assertThat(code(MakePod.named("p").gpus(8).obj(), node)).isEqualTo("fits");
  }
}
