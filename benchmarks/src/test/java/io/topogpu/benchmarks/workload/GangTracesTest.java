package io.topogpu.benchmarks.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.benchmarks.sim.TraceFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading gang traces: every row becomes a job or a counted CPU-only row, or the read fails naming the cell. */
class GangTracesTest {
  private static final Path TRACES = Path.of("traces");
  private static final String DIRLAB_HEADER = "u_id,user,gpu_num,cpu_num,node_num,interval,run_time,wall_time,new_status";

  @TempDir
  Path dir;

  @Test
  void dirlabRowsBecomeEvenPodsWithCumulativeSubmitTimes() throws IOException {
    GangTrace t = GangTraces.readDirlab("t", "c", file(DIRLAB_HEADER,
        "0,1,1,0,1,0,100,0,Pass", "1,2,8,0,4,30,50,0,Pass", "2,3,0,4,1,5,9,0,Pass", "3,3,16,0,2,10,7,0,Pass"));
    assertThat(t.jobs()).extracting(GangJob::submit).containsExactly(0L, 30L, 45L);
    assertThat(t.jobs()).extracting(GangJob::podGpus).containsExactly(List.of(1), List.of(2, 2, 2, 2), List.of(8, 8));
    assertThat(t.cpuOnlyRows()).isEqualTo(1);
  }

  @Test
  void gpusNotDividingIntoNodesNameTheCell() throws IOException {
    Path f = file(DIRLAB_HEADER, "0,1,1,0,1,0,100,0,Pass", "1,1,6,0,4,3,100,0,Pass");
    assertThatThrownBy(() -> GangTraces.readDirlab("t", "c", f))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(f + ":3: column 'gpu_num' value '6': not a multiple of node_num 4");
  }

  @Test
  void nonNumericRunTimeNamesTheCell() throws IOException {
    Path f = file(DIRLAB_HEADER, "0,1,1,0,1,0,1h,0,Pass");
    assertThatThrownBy(() -> GangTraces.readDirlab("t", "c", f))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(":2: column 'run_time' value '1h': not an integer");
  }

  @Test
  void zeroNodesIsOutOfRange() throws IOException {
    Path f = file(DIRLAB_HEADER, "0,1,1,0,0,0,5,0,Pass");
    assertThatThrownBy(() -> GangTraces.readDirlab("t", "c", f))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining("column 'node_num' value '0': out of range");
  }

  @Test
  void itpRowsOutOfArrivalOrderAreRejected() throws IOException {
    Path f = file("job_id,submission_time,duration,num_gpu", "a,100,5,1", "b,99,5,1");
    assertThatThrownBy(() -> GangTraces.readItp("t", "c", f))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(":3: column 'submission_time' value '99'");
  }

  @Test
  void itpJobsAreSplitIntoPodsOfAtMostEightGpus() {
    assertThat(GangTraces.itpSplit(4)).containsExactly(4);
    assertThat(GangTraces.itpSplit(16)).containsExactly(8, 8);
    assertThat(GangTraces.itpSplit(12)).containsExactly(6, 6);
    assertThat(GangTraces.itpSplit(20)).containsExactly(7, 7, 6);
  }

  @Test
  void missingColumnIsNamed() throws IOException {
    Path f = file("job_id,submission_time,num_gpu", "a,1,1");
    assertThatThrownBy(() -> GangTraces.readItp("t", "c", f))
        .isInstanceOf(TraceFormatException.class).hasMessageContaining("column 'duration'");
  }

  @Test
  void shippedTracesAccountForEveryRow() throws IOException {
    for (String name : GangTraces.names()) {
      GangTrace t = GangTraces.load(TRACES, name);
      long rows = Files.lines(TRACES.resolve(fileOf(name))).count() - 1;
      assertThat(t.jobs().size() + t.cpuOnlyRows()).as(name).isEqualTo(rows);
    }
  }

  @Test
  void unknownTraceListsTheKnownOnes() {
    assertThatThrownBy(() -> GangTraces.load(TRACES, "alibaba"))
        .hasMessage("unknown trace 'alibaba'; known traces: philly, helios, itp-cluster01");
  }

  private static String fileOf(String name) {
    return switch (name) {
      case "philly" -> "gang-jobs/dirlab-philly-helios/philly_data_training.csv";
      case "helios" -> "gang-jobs/dirlab-philly-helios/helios_data_training.csv";
      default -> "gang-jobs/microsoft-itp-elasticflow/cluster01.csv";
    };
  }

  private Path file(String... lines) throws IOException {
    Path f = dir.resolve("trace.csv");
    Files.write(f, List.of(lines));
    return f;
  }
}
