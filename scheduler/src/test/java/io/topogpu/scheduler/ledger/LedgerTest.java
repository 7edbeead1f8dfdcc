package io.topogpu.scheduler.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.scheduler.testing.MakeNode;
import io.topogpu.scheduler.testing.MakePod;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.testing.MakeTopology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LedgerTest {
  private static final Placer PLACER = new Placer(Policy.defaults());

  static MigState balanced() {
    return new MigState(true, 8, List.of(
        new MigInstance("2g.20gb", 0, 2, 0, "", -1),
        new MigInstance("1g.10gb", 2, 1, 0, "", -1),
        new MigInstance("1g.10gb", 3, 1, 0, "", -1),
        new MigInstance("3g.40gb", 4, 4, 0, "", -1)));
  }

  static List<ClusterNode> cluster() {
    NodeTopology mig = MakeTopology.gpus(2).mig(0, balanced()).mig(1, balanced()).build();
    return List.of(
        MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode(),
        MakeNode.named("l40s").shape("l40s-4gpu-pcie-node-sys").clusterNode(),
        MakeNode.named("mig").topology(mig).clusterNode());
  }

  /** A random assignment: whole GPUs, a share or MIG instances, on a random node. */
  static Assignment randomAssignment(Random r, List<ClusterNode> nodes) {
    ClusterNode n = nodes.get(r.nextInt(nodes.size()));
    NodeTopology t = n.topology().orElseThrow();
    if (n.name().equals("mig")) {
      int gpu = r.nextInt(2);
      MigInstance m = t.gpu(gpu).mig().instances().get(r.nextInt(4));
      return Assignment.mig(n.name(), List.of(new MigSlot(gpu, m.profile(), m.start(), m.size(), "")));
    }
    if (r.nextInt(3) == 0) {
      return Assignment.share(n.name(), r.nextInt(t.gpuCount()), "", 1 + r.nextInt(1000));
    }
    List<Integer> gpus = new ArrayList<>();
    for (int g = 0; g < t.gpuCount(); g++) {
      if (r.nextInt(4) == 0) {
        gpus.add(g);
      }
    }
    if (gpus.isEmpty()) {
      gpus.add(r.nextInt(t.gpuCount()));
    }
    return Assignment.whole(n.name(), gpus, gpus.stream().map(g -> "").toList());
  }

  /** Independent check: is {@code a} compatible with everything in {@code held}? */
  static boolean fits(Map<String, Assignment> held, String holder, Assignment a) {
    if (held.containsKey(holder)) {
      return false;
    }
    Map<String, Integer> milli = new HashMap<>();
    Map<String, Integer> mig = new HashMap<>();
    List<Assignment> all = new ArrayList<>(held.values());
    all.add(a);
    for (Assignment x : all) {
      for (int g : x.gpus()) {
        milli.merge(x.node() + "#" + g, x.isShare() ? x.milli() : 1000, Integer::sum);
      }
      for (MigSlot s : x.mig()) {
        mig.merge(x.node() + "#" + s.id(), 1, Integer::sum);
      }
    }
    return milli.values().stream().allMatch(m -> m <= 1000) && mig.values().stream().allMatch(c -> c == 1);
  }

  /**
   * Property: over random sequences of allocate and release, the ledger accepts exactly the
   * allocations an independent check accepts, and its state always equals the model's; so no GPU
   * or MIG instance is ever held twice and no GPU beyond 1000 milli.
   */
  @Test
  void noGpuIsEverHeldTwiceAcrossRandomAllocateAndRelease() {
    List<ClusterNode> nodes = cluster();
    for (int seed = 0; seed < 40; seed++) {
      Random r = new Random(seed);
      Ledger ledger = new Ledger();
      nodes.forEach(ledger::putNode);
      Map<String, Assignment> model = new LinkedHashMap<>();
      for (int step = 0; step < 200; step++) {
        String holder = "ns/p" + r.nextInt(30);
        if (r.nextInt(3) == 0) {
          assertThat(ledger.release(holder)).isEqualTo(java.util.Optional.ofNullable(model.remove(holder)));
          continue;
        }
        Assignment a = randomAssignment(r, nodes);
        boolean expected = fits(model, holder, a);
        if (expected) {
          ledger.allocate(holder, a);
          model.put(holder, a);
        } else {
          assertThatThrownBy(() -> ledger.allocate(holder, a))
              .as("seed %d step %d: %s for %s", seed, step, a, holder)
              .isInstanceOf(AllocationConflict.class);
        }
        assertThat(holdings(ledger)).as("seed %d step %d", seed, step).isEqualTo(model);
      }
    }
  }

  static Map<String, Assignment> holdings(Ledger ledger) {
    Map<String, Assignment> out = new HashMap<>();
    ledger.nodes().forEach(n -> out.putAll(n.pods()));
    return out;
  }

  /** Round trip: pods annotated with what they hold rebuild exactly the state they came from. */
  @Test
  void rebuildFromAnnotationsEqualsTheStateItCameFrom() {
    List<ClusterNode> nodes = cluster();
    Random r = new Random(7);
    Ledger ledger = new Ledger();
    nodes.forEach(ledger::putNode);
    for (int i = 0; i < 300; i++) {
      String holder = "ns/p" + i;
      Assignment a = randomAssignment(r, nodes);
      if (fits(holdings(ledger), holder, a)) {
        ledger.allocate(holder, a);
      }
    }
    List<PodInfo> pods = new ArrayList<>();
    holdings(ledger).forEach((holder, a) -> pods.add(MakePod.named(holder.substring(3)).namespace("ns")
        .gpus(1).on(a.node()).holding(GpusAnnotation.decode(GpusAnnotation.encode(a))).obj()));
    Ledger rebuilt = new Ledger();
    List<LedgerNote> notes = rebuilt.rebuild(nodes, pods, PLACER::attribute);
    assertThat(notes).isEmpty();
    assertThat(holdings(rebuilt)).isEqualTo(holdings(ledger)).isNotEmpty();
  }

  /**
   * A pod bound by another scheduler without the annotation is counted as holding the best set
   * for its request among the GPUs left: on a DGX A100 with 0–2 annotated as held, 2 GPUs → {4,5}
   * (one NUMA group; ties with {6,7} on every criterion, lower indices win).
   */
  @Test
  void unattributedPodIsPinnedToTheBestFreeSetAfterAnnotatedPods() {
    List<ClusterNode> nodes = List.of(MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode());
    List<PodInfo> pods = List.of(
        MakePod.named("legacy").gpus(2).on("dgx").obj(),
        MakePod.named("mine").gpus(3).on("dgx").holding(Assignment.whole("dgx", List.of(0, 1, 2), List.of("", "", ""))).obj());
    Ledger ledger = new Ledger();
    List<LedgerNote> notes = ledger.rebuild(nodes, pods, PLACER::attribute);
    assertThat(ledger.holding("default/legacy").orElseThrow().gpus()).containsExactly(4, 5);
    assertThat(notes).extracting(LedgerNote::toString).containsExactly(
        "default/legacy on dgx: no topogpu.io/gpus annotation; counted as holding GPUs [4, 5]");
  }

  @Test
  void conflictingAnnotationIsNotedAndTheLaterPodReattributed() {
    List<ClusterNode> nodes = List.of(MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode());
    Assignment same = Assignment.whole("dgx", List.of(0), List.of(""));
    List<PodInfo> pods = List.of(
        MakePod.named("a").gpus(1).on("dgx").holding(same).obj(),
        MakePod.named("b").gpus(1).on("dgx").holding(same).obj());
    Ledger ledger = new Ledger();
    List<LedgerNote> notes = ledger.rebuild(nodes, pods, PLACER::attribute);
    assertThat(ledger.holding("default/a").orElseThrow().gpus()).containsExactly(0);
    assertThat(ledger.holding("default/b").orElseThrow().gpus()).doesNotContain(0).hasSize(1);
    assertThat(notes).first().extracting(LedgerNote::message).asString()
        .startsWith("annotation ignored: default/b needs 1000 milli of GPU 0 on node dgx but only 0 are free");
  }

  @Test
  void finishedPodsAndPodsWithoutGpusHoldNothing() {
    List<ClusterNode> nodes = List.of(MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode());
    List<PodInfo> pods = List.of(
        MakePod.named("done").gpus(8).on("dgx").phase("Succeeded").obj(),
        MakePod.named("web").on("dgx").obj());
    Ledger ledger = new Ledger();
    assertThat(ledger.rebuild(nodes, pods, PLACER::attribute)).isEmpty();
    assertThat(ledger.node("dgx").orElseThrow().freeMask()).isEqualTo(0xFFL);
  }

  @Test
  void reservationsExcludeCapacityExceptForTheirOwner() {
    Ledger ledger = new Ledger();
    ledger.putNode(MakeNode.named("dgx").shape("dgx-a100-8gpu-nv12").clusterNode());
    ledger.reserve("gang-a", Assignment.whole("dgx", List.of(0, 1, 2, 3), List.of("", "", "", "")));
    NodeState s = ledger.node("dgx").orElseThrow();
    assertThat(s.freeMask()).isEqualTo(0xF0L);
    assertThat(s.withoutReservation("gang-a").freeMask()).isEqualTo(0xFFL);
    assertThatThrownBy(() -> ledger.allocate("ns/x", Assignment.whole("dgx", List.of(3), List.of(""))))
        .hasMessage("ns/x needs 1000 milli of GPU 3 on node dgx but only 0 are free");
    ledger.releaseReservations("gang-a");
    assertThat(ledger.node("dgx").orElseThrow().freeMask()).isEqualTo(0xFFL);
  }

  @Test
  void holdingsThatNoLongerFitANewTopologyAreDroppedAndNoted() {
    Ledger ledger = new Ledger();
    ledger.putNode(MakeNode.named("n").shape("l40s-8gpu-pcie-node-sys").clusterNode());
    ledger.allocate("ns/low", Assignment.whole("n", List.of(0, 1), List.of("", "")));
    ledger.allocate("ns/high", Assignment.whole("n", List.of(6), List.of("")));
    List<LedgerNote> notes = ledger.putNode(MakeNode.named("n").shape("l40s-4gpu-pcie-node-sys").clusterNode());
    assertThat(notes).extracting(LedgerNote::toString).containsExactly(
        "ns/high on n: dropped after a topology change: ns/high holds GPU 6 but node n has 4 GPUs");
    assertThat(ledger.holding("ns/low")).isPresent();
    assertThat(ledger.holding("ns/high")).isEmpty();
  }
}
