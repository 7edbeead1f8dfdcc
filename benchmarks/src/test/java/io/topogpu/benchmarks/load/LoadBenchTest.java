package io.topogpu.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.benchmarks.load.LoadBench.Cell;
import io.topogpu.benchmarks.load.LoadDriver.HostPriorityWire;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadBenchTest {
  private static List<Cell> cells;

  /** 50 nodes, 20 measured pods, every node-list mode: small enough for a unit test. */
  @BeforeAll
  static void tinyRun() {
    LoadBench.Config config = new LoadBench.Config(List.of(50), List.of(NodeListMode.values()), 20, 5, 1, 0.7, 10, 1);
    cells = new LoadBench(config, new PrintStream(new ByteArrayOutputStream())).run();
  }

  @Test
  void everyTargetAndModeHasACell() {
    assertThat(cells).extracting(c -> c.mode() + " " + c.target()).containsExactlyInAnyOrder(
        "NAMES topogpu", "NAMES noop", "FULL topogpu", "FULL noop", "SAMPLED topogpu", "SAMPLED noop");
  }

  @Test
  void everyPodIsBoundOrUnschedulableAndNoBindFails() {
    assertThat(cells).allSatisfy(c -> {
      DriveResult d = c.runs().get(0);
      assertThat(d.pods()).isEqualTo(20);
      assertThat(d.bound() + d.unschedulable()).as(c.mode() + " " + c.target()).isEqualTo(20);
      assertThat(d.bindFailed()).as(c.mode() + " " + c.target()).isZero();
    });
  }

  @Test
  void theFloorPassesEveryNodeSoBindsEveryPod() {
    assertThat(cells).filteredOn(c -> c.target().equals(Target.NOOP))
        .allSatisfy(c -> assertThat(c.runs().get(0).bound()).isEqualTo(20));
  }

  @Test
  void everyFilterCallIsTimedAndEveryBindToo() {
    assertThat(cells).allSatisfy(c -> {
      DriveResult d = c.runs().get(0);
      assertThat(d.latency().get(Verb.FILTER).getTotalCount()).isEqualTo(20);
      assertThat(d.latency().get(Verb.BIND).getTotalCount()).isEqualTo(d.bound());
    });
  }

  @Test
  void resultFilesAreWritten(@TempDir Path dir) {
    assertThat(LoadReport.write(cells, dir)).allSatisfy(p -> assertThat(p).isNotEmptyFile());
    assertThat(LoadReport.csv(cells).lines()).hasSize(1 + cells.size() * Verb.values().length);
  }

  @Test
  void bindGoesToTheHighestScoreAndTheFirstInFilterOrderAmongEquals() {
    List<String> feasible = List.of("a", "b", "c");
    assertThat(LoadDriver.best(feasible, new HostPriorityWire[] {
        new HostPriorityWire("a", 3), new HostPriorityWire("b", 7), new HostPriorityWire("c", 7)})).isEqualTo("b");
    assertThat(LoadDriver.best(feasible, new HostPriorityWire[0])).isEqualTo("a");
  }

  @Test
  void medianOfAnOddAndOfAnEvenNumberOfRuns() {
    assertThat(LatencySummary.median(List.of(5.0, 1.0, 3.0), Double::doubleValue)).isEqualTo(3.0);
    assertThat(LatencySummary.median(List.of(4.0, 1.0, 3.0, 2.0), Double::doubleValue)).isEqualTo(2.5);
  }

  @Test
  void modeNamesAreCheckedAtStartUp() {
    assertThat(NodeListMode.parse("both")).containsExactly(NodeListMode.NAMES, NodeListMode.FULL);
    assertThat(NodeListMode.parse("full")).containsExactly(NodeListMode.FULL);
    assertThat(NodeListMode.parse("sampled")).containsExactly(NodeListMode.SAMPLED);
    assertThatThrownBy(() -> NodeListMode.parse("all"))
        .hasMessage("mode: expected names, full, sampled or both, got 'all'");
  }

  /**
   * kube-scheduler's numFeasibleNodesToFind with the adaptive percentage 50 − n/125, at least 5 %
   * and at least 100 nodes: every node below 100; 100 of 150 (50 − 1 = 49 % is 73); 420 of 1,000
   * (42 %); 500 of 5,000 (10 %); 500 of 10,000 (50 − 80 < 5, so 5 %).
   */
  @Test
  void sampledModeSendsWhatKubeSchedulerWouldFind() {
    assertThat(NodeListMode.feasibleNodesToFind(50)).isEqualTo(50);
    assertThat(NodeListMode.feasibleNodesToFind(150)).isEqualTo(100);
    assertThat(NodeListMode.feasibleNodesToFind(1_000)).isEqualTo(420);
    assertThat(NodeListMode.feasibleNodesToFind(5_000)).isEqualTo(500);
    assertThat(NodeListMode.feasibleNodesToFind(10_000)).isEqualTo(500);
  }

  @Test
  void sampledCandidatesRotateThroughTheClusterWrappingAround() {
    LoadDriver driver = new LoadDriver(java.net.URI.create("http://127.0.0.1:1"), null,
        List.of("a", "b", "c", "d", "e"), 2, 10, pod -> {}, key -> {});

    assertThat(driver.candidates()).containsExactly("a", "b");
    assertThat(driver.candidates()).containsExactly("c", "d");
    assertThat(driver.candidates()).containsExactly("e", "a");
  }
}
