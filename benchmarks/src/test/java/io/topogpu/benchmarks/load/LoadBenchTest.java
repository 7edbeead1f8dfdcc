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

  /** 50 nodes, 20 measured pods, both node-list modes: small enough for a unit test. */
  @BeforeAll
  static void tinyRun() {
    LoadBench.Config config = new LoadBench.Config(List.of(50), List.of(NodeListMode.values()), 20, 5, 1, 0.7, 10, 1);
    cells = new LoadBench(config, new PrintStream(new ByteArrayOutputStream())).run();
  }

  @Test
  void everyTargetAndModeHasACell() {
    assertThat(cells).extracting(c -> c.mode() + " " + c.target()).containsExactlyInAnyOrder(
        "NAMES topogpu", "NAMES noop", "FULL topogpu", "FULL noop");
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
    assertThatThrownBy(() -> NodeListMode.parse("all")).hasMessage("mode: expected names, full or both, got 'all'");
  }
}
