package io.topogpu.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.kube.Snapshot;
import io.topogpu.scheduler.kube.SnapshotReader;
import io.topogpu.scheduler.ledger.Ledger;
import io.topogpu.scheduler.ledger.LedgerNote;
import io.topogpu.scheduler.model.Assignment;
import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.scheduler.model.MigSlot;
import io.topogpu.scheduler.model.PodInfo;
import io.topogpu.scheduler.placement.Placer;
import io.topogpu.scheduler.placement.Policy;
import io.topogpu.topology.Keys;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.NodeTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticClusterTest {
  private static final SyntheticCluster CLUSTER = SyntheticCluster.generate(300, 0.7, 0, 7);

  @Test
  void noGpuOrMigInstanceIsHeldTwice() {
    Set<String> held = new HashSet<>();
    for (PodInfo p : CLUSTER.pods()) {
      Assignment a = p.assignment().orElseThrow();
      for (int g : a.gpus()) {
        assertThat(held.add(a.node() + "/gpu" + g)).as("%s holds GPU %d of %s again", p.key(), g, a.node()).isTrue();
      }
      for (MigSlot s : a.mig()) {
        assertThat(held.add(a.node() + "/mig" + s.gpu() + "@" + s.start())).as("%s: %s", p.key(), s).isTrue();
      }
    }
  }

  @Test
  void everyPodIsBoundRunningAndAnnotatedForItsNode() {
    assertThat(CLUSTER.pods()).isNotEmpty().allSatisfy(p -> {
      assertThat(p.nodeName()).contains(p.assignment().orElseThrow().node());
      assertThat(p.phase()).isEqualTo("Running");
      assertThat(p.annotations()).containsKey(Keys.GPUS);
    });
  }

  @Test
  void occupancyIsWithinFivePointsOfTheTarget() {
    for (double target : new double[] {0.3, 0.7}) {
      SyntheticCluster c = SyntheticCluster.generate(300, target, 0, 11);
      assertThat(heldFraction(c)).as("target %.1f", target).isBetween(target - 0.05, target + 0.05);
    }
  }

  @Test
  void migNodesArePresentAndSomePodsHoldMigInstances() {
    long migNodes = CLUSTER.nodes().stream()
        .filter(n -> n.topology().orElseThrow().gpus().stream().anyMatch(g -> g.mig().enabled())).count();
    assertThat(migNodes).isGreaterThan(0);
    assertThat(CLUSTER.pods()).anyMatch(p -> !p.assignment().orElseThrow().mig().isEmpty());
  }

  @Test
  void mixesSeveralRealShapes() {
    Set<Integer> gpuCounts = CLUSTER.nodes().stream()
        .map(n -> n.topology().orElseThrow().gpuCount()).collect(Collectors.toSet());
    assertThat(gpuCounts).contains(4, 8);
    assertThat(CLUSTER.nodes().stream().map(n -> n.topology().orElseThrow().links()).distinct().count())
        .isGreaterThanOrEqualTo(5);
  }

  @Test
  void theLedgerRebuildsFromTheAnnotationsWithoutAConflict() {
    Ledger ledger = new Ledger();
    List<LedgerNote> notes = ledger.rebuild(CLUSTER.nodes(), CLUSTER.pods(), new Placer(Policy.defaults())::attribute);
    assertThat(notes).isEmpty();
    assertThat(CLUSTER.pods()).allSatisfy(p -> assertThat(ledger.holding(p.key())).isEqualTo(p.assignment()));
  }

  @Test
  void theSameSeedGivesTheSameCluster() {
    SyntheticCluster again = SyntheticCluster.generate(300, 0.7, 0, 7);
    assertThat(again.pods()).isEqualTo(CLUSTER.pods());
    assertThat(again.nodes().stream().map(ClusterNode::labels).toList())
        .isEqualTo(CLUSTER.nodes().stream().map(ClusterNode::labels).toList());
  }

  @Test
  void backgroundPodsRequestNoGpuAndAreBound() {
    SyntheticCluster c = SyntheticCluster.generate(20, 0.5, 30, 3);
    List<PodInfo> background = c.pods().stream().filter(p -> p.request().isEmpty()).toList();
    assertThat(background).hasSize(30).allSatisfy(p -> assertThat(p.nodeName()).isPresent());
  }

  @Test
  void aSnapshotFileReadsBackAsTheSameNodesAndPods(@TempDir Path dir) throws Exception {
    SyntheticCluster c = SyntheticCluster.generate(40, 0.7, 10, 5);
    Path file = dir.resolve("snapshot.json");
    KubeForm.writeSnapshot(c, file);
    Snapshot read = SnapshotReader.read("snapshot.json", Files.readString(file));
    assertThat(read.nodes()).extracting(ClusterNode::name, ClusterNode::labels, ClusterNode::topology)
        .isEqualTo(c.nodes().stream().map(n -> Tuple.tuple(n.name(), n.labels(), n.topology())).toList());
    Map<String, PodInfo> byKey = read.pods().stream().collect(Collectors.toMap(PodInfo::key, Function.identity()));
    assertThat(byKey).hasSize(c.pods().size());
    for (PodInfo p : c.pods()) {
      PodInfo back = byKey.get(p.key());
      assertThat(back.request()).as(p.key()).isEqualTo(p.request());
      assertThat(back.assignment()).as(p.key()).isEqualTo(p.assignment());
      assertThat(back.nodeName()).as(p.key()).isEqualTo(p.nodeName());
    }
  }

  @Test
  void badParametersAreRejectedNamingThem() {
    assertThatThrownBy(() -> SyntheticCluster.generate(0, 0.7, 0, 1)).hasMessage("nodes: must be at least 1, got 0");
    assertThatThrownBy(() -> SyntheticCluster.generate(5, 1.5, 0, 1)).hasMessage("occupancy: must be within 0..1, got 1.5");
    assertThatThrownBy(() -> SyntheticCluster.generate(5, 0.5, -1, 1)).hasMessage("backgroundPods: must be >= 0, got -1");
  }

  /**
   * Independent of the ledger's accounting: whole GPUs held count 1 each, a MIG instance counts
   * its slices / 8 of its GPU; over every GPU of every node.
   */
  private static double heldFraction(SyntheticCluster c) {
    Map<String, NodeTopology> topologies = new HashMap<>();
    c.nodes().forEach(n -> topologies.put(n.name(), n.topology().orElseThrow()));
    double held = 0;
    for (PodInfo p : c.pods()) {
      Assignment a = p.assignment().orElseThrow();
      held += a.gpus().size();
      for (MigSlot s : a.mig()) {
        Gpu g = topologies.get(a.node()).gpu(s.gpu());
        held += (double) s.size() / g.mig().slices();
      }
    }
    int gpus = topologies.values().stream().mapToInt(NodeTopology::gpuCount).sum();
    return held / gpus;
  }
}
