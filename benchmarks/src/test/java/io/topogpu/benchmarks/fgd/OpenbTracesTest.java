package io.topogpu.benchmarks.fgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.topogpu.benchmarks.sim.TraceFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading and validating the openb trace files. */
class OpenbTracesTest {
  private static final String HEADER = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,"
      + "creation_time,deletion_time,scheduled_time";
  private static final Path TRACES = Path.of("traces");

  @TempDir
  Path dir;

  private Path podFile(String... rows) throws IOException {
    Path f = dir.resolve("openb_pod_list_test.csv");
    Files.writeString(f, HEADER + "\n" + String.join("\n", rows) + "\n");
    return f;
  }

  @Test
  void the_gpu_node_list_has_1213_nodes_and_6212_gpus() {
    List<GpuNodeSpec> nodes = OpenbTraces.loadNodes(TRACES);
    assertThat(nodes).hasSize(1213);
    assertThat(nodes.stream().mapToInt(GpuNodeSpec::gpus).sum()).isEqualTo(6212);
    assertThat(nodes.stream().mapToLong(GpuNodeSpec::cpuMilli).sum()).isEqualTo(107_018_000);
  }

  @Test
  void the_default_trace_has_8152_pods_asking_for_6086_8_gpus() {
    List<PodRequest> pods = OpenbTraces.loadPods(TRACES, "default");
    assertThat(pods).hasSize(8152);
    assertThat(pods.stream().mapToLong(PodRequest::totalGpuMilli).sum()).isEqualTo(6_086_800);
    assertThat(pods.stream().filter(PodRequest::cpuOnly).count()).isEqualTo(1088);
  }

  @Test
  void every_row_is_used_whatever_its_phase_and_gpu_spec_is_normalised() throws IOException {
    List<PodRequest> pods = OpenbTraces.loadPods(podFile(
        "p0,1000,512,1,460,,BE,Failed,0,1,",
        "p1,2000,512,1,1500,V100M16||V100M32|V100M32,LS,Pending,0,,",
        "p2,3000,512,0,1000,T4,LS,Running,0,1,0"));
    assertThat(pods).containsExactly(new PodRequest("p0", 1000, 512, 1, 460, ""),
        new PodRequest("p1", 2000, 512, 1, 1000, "V100M16|V100M32|V100M32"),
        new PodRequest("p2", 3000, 512, 0, 0, ""));
  }

  @Test
  void multigpu_files_without_gpu_spec_column_load() throws IOException {
    Path f = dir.resolve("m.csv");
    Files.writeString(f, "name,cpu_milli,memory_mib,num_gpu,gpu_milli\np0,1000,512,8,1000\n");
    assertThat(OpenbTraces.loadPods(f)).containsExactly(new PodRequest("p0", 1000, 512, 8, 1000, ""));
  }

  @Test
  void a_non_integer_cell_names_file_line_column_and_value() throws IOException {
    Path f = podFile("p0,1000,512,1,460,,LS,Running,0,1,0", "p1,12x00,512,1,460,,LS,Running,0,1,0");
    assertThatThrownBy(() -> OpenbTraces.loadPods(f)).isInstanceOfSatisfying(TraceFormatException.class, e -> {
      assertThat(e.file()).isEqualTo(f);
      assertThat(e.line()).isEqualTo(3);
      assertThat(e.column()).isEqualTo("cpu_milli");
      assertThat(e.value()).isEqualTo("12x00");
      assertThat(e.getMessage()).contains(f.toString() + ":3", "cpu_milli", "12x00");
    });
  }

  @Test
  void a_row_with_a_missing_cell_is_an_error() throws IOException {
    Path f = podFile("p0,1000,512,1,460,LS,Running,0,1,0");
    assertThatThrownBy(() -> OpenbTraces.loadPods(f)).isInstanceOf(TraceFormatException.class)
        .hasMessageContaining(":2:").hasMessageContaining("expected 11 cells");
  }

  @Test
  void out_of_range_gpu_count_is_an_error() throws IOException {
    Path f = podFile("p0,1000,512,9,1000,,LS,Running,0,1,0");
    assertThatThrownBy(() -> OpenbTraces.loadPods(f)).isInstanceOfSatisfying(TraceFormatException.class,
        e -> assertThat(e.column()).isEqualTo("num_gpu"));
  }

  @Test
  void a_fractional_multi_gpu_pod_is_rejected() throws IOException {
    Path f = podFile("p0,1000,512,2,500,,LS,Running,0,1,0");
    assertThatThrownBy(() -> OpenbTraces.loadPods(f)).isInstanceOfSatisfying(TraceFormatException.class,
        e -> assertThat(e.column()).isEqualTo("gpu_milli"));
  }

  @Test
  void a_gpu_pod_with_zero_milli_is_rejected() throws IOException {
    Path f = podFile("p0,1000,512,1,0,,LS,Running,0,1,0");
    assertThatThrownBy(() -> OpenbTraces.loadPods(f)).isInstanceOfSatisfying(TraceFormatException.class,
        e -> assertThat(e.value()).isEqualTo("0"));
  }

  @Test
  void negative_memory_and_duplicate_names_are_errors() throws IOException {
    Path negative = podFile("p0,1000,-5,0,0,,LS,Running,0,1,0");
    assertThatThrownBy(() -> OpenbTraces.loadPods(negative)).isInstanceOfSatisfying(TraceFormatException.class,
        e -> assertThat(e.column()).isEqualTo("memory_mib"));
    Path duplicate = podFile("p0,1000,5,0,0,,LS,Running,0,1,0", "p0,1000,5,0,0,,LS,Running,0,1,0");
    assertThatThrownBy(() -> OpenbTraces.loadPods(duplicate)).isInstanceOfSatisfying(TraceFormatException.class,
        e -> assertThat(e.line()).isEqualTo(3));
  }

  @Test
  void a_missing_column_is_an_error_on_the_header() throws IOException {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, "name,cpu_milli,num_gpu,gpu_milli\np0,1,0,0\n");
    assertThatThrownBy(() -> OpenbTraces.loadPods(f)).isInstanceOfSatisfying(TraceFormatException.class, e -> {
      assertThat(e.line()).isEqualTo(1);
      assertThat(e.column()).isEqualTo("memory_mib");
    });
  }

  @Test
  void a_missing_file_says_where_it_looked() {
    assertThatThrownBy(() -> OpenbTraces.loadPods(dir, "nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("openb_pod_list_nope.csv");
  }
}
