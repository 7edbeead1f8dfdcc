package io.topogpu.scheduler.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.scheduler.model.ClusterNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The demo end to end, small: its summary adds up and the same seed tells the same story. */
class DemoTest {

  private record Run(DemoSummary summary, String output) {}

  private static Run run(long seed, int jobs) {
    StringWriter text = new StringWriter();
    DemoSummary summary = Demo.run(new Demo.Options(seed, jobs), new PrintWriter(text));
    return new Run(summary, text.toString());
  }

  @Test
  @DisplayName("40 jobs: every job accounted for, no verb failed, usage within capacity, shares in 0..1")
  void summaryAddsUp() {
    Run run = run(7, 40);
    DemoSummary s = run.summary();

    assertThat(s.placed() + s.unschedulable() + s.failed()).isEqualTo(40);
    assertThat(s.failed()).isZero();
    assertThat(s.placed()).isPositive();
    assertThat(s.gpusTotal()).isEqualTo(6 * 8 + 4 * 8 + 6 * 4 + 8 * 8 + 4 * 4);
    assertThat(s.migTotal()).isEqualTo(2 * 8 * 4);
    assertThat(s.gpusUsed()).isBetween(0L, s.gpusTotal());
    assertThat(s.migUsed()).isBetween(0L, s.migTotal());
    assertThat(s.multiGpuOnBest()).isBetween(0, s.multiGpuPlaced());
    assertThat(s.multiGpuOnBestAvailable()).isBetween(0, s.multiGpuPlaced());
    assertThat(run.output().lines()
        .filter(l -> l.contains("best free in cluster") && !l.contains("not the best free in cluster")))
        .hasSize(s.multiGpuOnBestAvailable());
    assertThat(run.output().lines().filter(l -> l.contains("best free in cluster"))).hasSize(s.multiGpuPlaced());
    assertThat(s.fragmentation()).isBetween(0.0, 1.0);
    assertThat(run.output().lines().filter(l -> l.startsWith("demo/job-"))).hasSize(40);
    assertThat(run.output()).contains("summary: 40 jobs: " + s.placed() + " placed");
  }

  @Test
  @DisplayName("the same seed places every job on the same node and GPUs")
  void deterministic() {
    assertThat(run(11, 30).output().replaceAll("127\\.0\\.0\\.1:\\d+", "PORT"))
        .isEqualTo(run(11, 30).output().replaceAll("127\\.0\\.0\\.1:\\d+", "PORT"));
  }

  @Test
  @DisplayName("the cluster is 30 nodes of six real shapes; MIG nodes have four instances per GPU")
  void cluster() {
    List<ClusterNode> nodes = DemoCluster.nodes();
    assertThat(nodes).hasSize(30);
    assertThat(nodes).extracting(ClusterNode::name).doesNotHaveDuplicates()
        .contains("dgx-a100-01", "hgx-h100-04", "azure-nc96-06", "l40s-08", "gb200-tray-04", "mig-a100-02");
    assertThat(DemoCluster.migA100().gpus()).allSatisfy(g -> assertThat(g.mig().instances())
        .extracting(m -> m.profile() + "@" + m.start() + ":" + m.size())
        .containsExactly("2g.20gb@0:2", "1g.10gb@2:1", "1g.10gb@3:1", "3g.40gb@4:4"));
  }

  @Test
  @DisplayName("--jobs 0 is refused naming the option")
  void noJobs() {
    assertThatThrownBy(() -> new Demo.Options(1, 0)).hasMessage("--jobs: must be at least 1, got 0");
  }
}
