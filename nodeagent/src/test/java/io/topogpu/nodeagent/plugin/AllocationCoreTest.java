package io.topogpu.nodeagent.plugin;

import static io.topogpu.nodeagent.plugin.PluginFixtures.gpuIds;
import static io.topogpu.nodeagent.plugin.PluginFixtures.migPod;
import static io.topogpu.nodeagent.plugin.PluginFixtures.sharePod;
import static io.topogpu.nodeagent.plugin.PluginFixtures.wholePod;
import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.topology.Keys;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AllocationCoreTest {
  private final List<PendingPod> pods = new ArrayList<>();
  private KubeletAllocations kubelet = KubeletAllocations.NONE;
  private final List<String> outcomes = new ArrayList<>();
  private NodeTopology topology = PluginFixtures.fourGpus();

  private AllocationCore core(GrantSettings settings) {
    AllocationListener listener = (call, resource, outcome, pod, chosen, given) ->
        outcomes.add(call + " " + outcome + " " + (pod == null ? "-" : pod.name()) + " " + given);
    return new AllocationCore(() -> new Inventory(topology), () -> List.copyOf(pods), () -> kubelet, listener, settings);
  }

  private AllocationCore core() {
    return core(GrantSettings.ENV_ONLY);
  }

  @Test
  void prefersExactlyTheScheduledSetWhenTheKubeletHasIt() {
    pods.add(wholePod("a", 1, List.of(2, 3), 2));
    assertThat(core().preferred(Keys.RESOURCE_GPU, gpuIds(0, 1, 2, 3), List.of(), 2)).containsExactly("GPU-2", "GPU-3");
    assertThat(outcomes).containsExactly("preferred honoured a [GPU-2, GPU-3]");
  }

  @Test
  void aPodTheWatchHasNotDeliveredYetIsFoundByAFreshRead() {
    // The kubelet admits the pod before the agent's watch has seen its bind: the cache is empty,
    // the API server already has it. Without the fresh read this would be "unmatched" and the
    // plugin's own pick, {0,1}, would win over the scheduler's {2,3}.
    List<PendingPod> apiServer = List.of(wholePod("a", 1, List.of(2, 3), 2));
    int[] freshReads = {0};
    PendingPods lagging = new PendingPods() {
      @Override
      public java.util.Collection<PendingPod> cached() {
        return List.of();
      }

      @Override
      public java.util.Collection<PendingPod> fresh() {
        freshReads[0]++;
        return apiServer;
      }
    };
    AllocationListener listener = (call, resource, outcome, pod, chosen, given) ->
        outcomes.add(call + " " + outcome + " " + (pod == null ? "-" : pod.name()) + " " + given);
    AllocationCore core = new AllocationCore(() -> new Inventory(topology), lagging, () -> kubelet, listener,
        GrantSettings.ENV_ONLY);

    assertThat(core.preferred(Keys.RESOURCE_GPU, gpuIds(0, 1, 2, 3), List.of(), 2)).containsExactly("GPU-2", "GPU-3");
    assertThat(outcomes).containsExactly("preferred honoured a [GPU-2, GPU-3]");
    assertThat(freshReads[0]).isEqualTo(1);
  }

  @Test
  void aMatchInTheWatchCacheNeedsNoFreshRead() {
    pods.add(wholePod("a", 1, List.of(2, 3), 2));
    PendingPods cachedOnly = new PendingPods() {
      @Override
      public java.util.Collection<PendingPod> cached() {
        return List.copyOf(pods);
      }

      @Override
      public java.util.Collection<PendingPod> fresh() {
        throw new AssertionError("no fresh read when the cache matches");
      }
    };
    AllocationCore core = new AllocationCore(() -> new Inventory(topology), cachedOnly, () -> kubelet,
        (call, resource, outcome, pod, chosen, given) -> outcomes.add(outcome), GrantSettings.ENV_ONLY);

    assertThat(core.preferred(Keys.RESOURCE_GPU, gpuIds(0, 1, 2, 3), List.of(), 2)).containsExactly("GPU-2", "GPU-3");
  }

  @Test
  void fallsBackToTheBestLinkedAvailablePairWhenTheChosenGpuIsGone() {
    pods.add(wholePod("a", 1, List.of(2, 3), 2));
    // {0,1} is the only NV12 pair left among 0,1,3; {0,3} and {1,3} are SYS.
    assertThat(core().preferred(Keys.RESOURCE_GPU, gpuIds(0, 1, 3), List.of(), 2)).containsExactly("GPU-0", "GPU-1");
    assertThat(outcomes).containsExactly("preferred fallback a [GPU-0, GPU-1]");
  }

  @Test
  void fallbackKeepsWhatTheKubeletMustInclude() {
    pods.add(wholePod("a", 1, List.of(0, 1), 2));
    // GPU 3 must be in; its NVLink partner 2 is available, so {2,3}.
    assertThat(core().preferred(Keys.RESOURCE_GPU, gpuIds(0, 1, 2, 3), gpuIds(3), 2)).containsExactly("GPU-2", "GPU-3");
    assertThat(outcomes).containsExactly("preferred fallback a [GPU-2, GPU-3]");
  }

  @Test
  void twoSameSizePodsAdmittedInBindOrderEachGetTheirOwnGpu() {
    pods.add(wholePod("b", 2, List.of(3), 1));
    pods.add(wholePod("a", 1, List.of(1), 1));
    AllocationCore core = core();

    assertThat(core.preferred(Keys.RESOURCE_GPU, gpuIds(0, 1, 2, 3), List.of(), 1)).containsExactly("GPU-1");
    core.allocate(Keys.RESOURCE_GPU, gpuIds(1));
    // PodResources has not caught up yet: the agent's own claim on a keeps it from matching a again.
    assertThat(core.preferred(Keys.RESOURCE_GPU, gpuIds(0, 2, 3), List.of(), 1)).containsExactly("GPU-3");
    core.allocate(Keys.RESOURCE_GPU, gpuIds(3));

    assertThat(outcomes).containsExactly(
        "preferred honoured a [GPU-1]", "allocate honoured a [GPU-1]",
        "preferred honoured b [GPU-3]", "allocate honoured b [GPU-3]");
  }

  @Test
  void sameSizePodsAdmittedOutOfBindOrderSwapSets_theDocumentedBlindSpot() {
    pods.add(wholePod("a", 1, List.of(1), 1));
    pods.add(wholePod("b", 2, List.of(3), 1));
    AllocationCore core = core();
    // The kubelet is really admitting b, but nothing in the call says so: a's GPU is preferred.
    assertThat(core.preferred(Keys.RESOURCE_GPU, gpuIds(0, 1, 2, 3), List.of(), 1)).containsExactly("GPU-1");
  }

  @Test
  void sizeTellsPodsApart() {
    pods.add(wholePod("a", 1, List.of(0, 1), 2));
    pods.add(wholePod("b", 2, List.of(3), 1));
    assertThat(core().preferred(Keys.RESOURCE_GPU, gpuIds(0, 1, 2, 3), List.of(), 1)).containsExactly("GPU-3");
  }

  @Test
  void podsThePodResourcesApiShowsAllocatedAreSkipped() {
    pods.add(wholePod("a", 1, List.of(1), 1));
    pods.add(wholePod("b", 2, List.of(3), 1));
    kubelet = new KubeletAllocations(Map.of("default/a", Map.of("c0", Map.of(Keys.RESOURCE_GPU, gpuIds(1)))));
    assertThat(core().preferred(Keys.RESOURCE_GPU, gpuIds(0, 2, 3), List.of(), 1)).containsExactly("GPU-3");
  }

  @Test
  void aClaimContradictedByPodResourcesIsVoided() {
    pods.add(wholePod("a", 1, List.of(1), 1));
    pods.add(wholePod("b", 2, List.of(3), 1));
    AllocationCore core = core();
    core.allocate(Keys.RESOURCE_GPU, gpuIds(1)); // claimed for a, but it was b being admitted
    kubelet = new KubeletAllocations(Map.of("default/b", Map.of("c0", Map.of(Keys.RESOURCE_GPU, gpuIds(1)))));
    // a is pending again; its GPU 1 is b's now, so the best remaining single GPU is offered.
    assertThat(core.preferred(Keys.RESOURCE_GPU, gpuIds(0, 2, 3), List.of(), 1)).containsExactly("GPU-0");
    assertThat(outcomes).last().isEqualTo("preferred fallback a [GPU-0]");
  }

  @Test
  void containersOfOnePodTakeTheChosenGpusInSpecOrder() {
    pods.add(wholePod("a", 1, List.of(0, 1, 2), 1, 2));
    AllocationCore core = core();
    assertThat(core.preferred(Keys.RESOURCE_GPU, gpuIds(0, 1, 2, 3), List.of(), 1)).containsExactly("GPU-0");
    core.allocate(Keys.RESOURCE_GPU, gpuIds(0));
    assertThat(core.preferred(Keys.RESOURCE_GPU, gpuIds(1, 2, 3), List.of(), 2)).containsExactly("GPU-1", "GPU-2");
  }

  @Test
  void allocateWithOtherIdsThanChosenIsAMismatchButTheKubeletsIdsAreGranted() {
    pods.add(wholePod("a", 1, List.of(1), 1));
    Grant g = core().allocate(Keys.RESOURCE_GPU, gpuIds(0));
    assertThat(g.envs()).containsEntry("NVIDIA_VISIBLE_DEVICES", "GPU-0");
    assertThat(outcomes).containsExactly("allocate mismatch a [GPU-0]");
  }

  @Test
  void noPendingPodMeansUnmatchedAndTheObjectiveDecides() {
    assertThat(core().preferred(Keys.RESOURCE_GPU, gpuIds(0, 2, 3), List.of(), 2)).containsExactly("GPU-2", "GPU-3");
    assertThat(outcomes).containsExactly("preferred unmatched - [GPU-2, GPU-3]");
  }

  @Test
  void aShareIsGivenUnitsOfTheChosenGpuAndItsLimits() {
    pods.add(sharePod("s", 1, 2, 250));
    AllocationCore core = core();
    List<String> all = IntStream.range(0, 4).boxed()
        .flatMap(g -> IntStream.range(0, 1000).mapToObj(k -> DeviceIds.unit("GPU-" + g, k))).toList();
    List<String> preferred = core.preferred(Keys.RESOURCE_GPU_MILLI, all, List.of(), 250);
    assertThat(preferred).hasSize(250).allMatch(id -> id.startsWith("GPU-2::"));
    assertThat(preferred.get(0)).isEqualTo("GPU-2::0");

    Grant g = core.allocate(Keys.RESOURCE_GPU_MILLI, preferred);
    // 40960 MiB x 250 / 1000 = 10240 MiB; 250 / 10 = 25 %.
    assertThat(g.envs()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "NVIDIA_VISIBLE_DEVICES", "GPU-2", "TOPOGPU_GPU_MILLI", "250",
        "TOPOGPU_GPU_MEMORY_LIMIT_MIB", "10240", "CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", "25"));
    assertThat(outcomes).containsExactly("preferred honoured s " + preferred, "allocate honoured s " + preferred);
  }

  @Test
  void shareFallbackPacksOntoTheGpuWithTheFewestUnitsThatFit() {
    // GPU 0 has 900 free units, GPU 1 has 300, GPU 2 has 100: 250 fits on 0 and 1, 1 is tighter.
    List<String> available = new ArrayList<>();
    IntStream.range(100, 1000).forEach(k -> available.add(DeviceIds.unit("GPU-0", k)));
    IntStream.range(700, 1000).forEach(k -> available.add(DeviceIds.unit("GPU-1", k)));
    IntStream.range(900, 1000).forEach(k -> available.add(DeviceIds.unit("GPU-2", k)));
    List<String> got = core().preferred(Keys.RESOURCE_GPU_MILLI, available, List.of(), 250);
    assertThat(got).hasSize(250).allMatch(id -> id.startsWith("GPU-1::"));
  }

  @Test
  void migDevicesAreMatchedByProfileResource() {
    topology = PluginFixtures.withMigOnGpu3();
    pods.add(migPod("m", 1, "MIG-b"));
    AllocationCore core = core(new GrantSettings(Optional.of("nvidia.com/gpu")));
    assertThat(core.preferred("nvidia.com/mig-1g.10gb", List.of("MIG-a", "MIG-b"), List.of(), 1)).containsExactly("MIG-b");
    Grant g = core.allocate("nvidia.com/mig-1g.10gb", List.of("MIG-b"));
    assertThat(g.envs()).containsExactly(Map.entry("NVIDIA_VISIBLE_DEVICES", "MIG-b"));
    assertThat(g.cdiDevices()).containsExactly("nvidia.com/gpu=MIG-b");
  }

  @Test
  void aWholeGpuPodIsNotMatchedForAShareRequest() {
    pods.add(wholePod("a", 1, List.of(1), 1));
    core().allocate(Keys.RESOURCE_GPU_MILLI, List.of("GPU-1::0"));
    assertThat(outcomes).containsExactly("allocate unmatched - [GPU-1::0]");
  }
}
