package io.topogpu.benchmarks.fgd;

import static io.topogpu.benchmarks.fgd.TestNodes.cpuPod;
import static io.topogpu.benchmarks.fgd.TestNodes.gpuPod;
import static io.topogpu.benchmarks.fgd.TestNodes.typedPod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The FGD target workload (fgd-protocol.md §7.3). */
class TypicalPodsTest {

  @Test
  void keeps_the_shortest_popular_prefix_covering_95_percent_and_renormalises() {
    List<PodRequest> trace = new ArrayList<>();
    trace.addAll(Collections.nCopies(60, gpuPod(1000, 1, 500)));
    trace.addAll(Collections.nCopies(36, cpuPod(2000)));
    trace.addAll(Collections.nCopies(4, gpuPod(8000, 1, 1000)));
    TypicalPods typical = TypicalPods.of(trace, 95);
    // 60 + 36 = 96 ≥ 95 of 100: two types kept, p = 60/96 and 36/96
    assertThat(typical.entries()).extracting(TypicalPods.Entry::pods).containsExactly(60, 36);
    assertThat(typical.entries().get(0).probability()).isCloseTo(0.625, within(1e-12));
    assertThat(typical.entries().get(1).probability()).isCloseTo(0.375, within(1e-12));
    assertThat(typical.coveredPods()).isEqualTo(96);
    assertThat(typical.distinctTypes()).isEqualTo(3);
  }

  @Test
  void memory_is_not_part_of_the_key_but_the_raw_type_string_is() {
    List<PodRequest> trace = List.of(new PodRequest("a", 1000, 1, 1, 500, ""),
        new PodRequest("b", 1000, 99999, 1, 500, ""), typedPod(1000, 1, 500, "T4|P100"),
        typedPod(1000, 1, 500, "P100|T4"));
    TypicalPods typical = TypicalPods.of(trace, 100);
    assertThat(typical.distinctTypes()).isEqualTo(3);
    assertThat(typical.entries().get(0).pods()).isEqualTo(2);
  }

  @Test
  void equal_counts_are_ordered_by_descending_key() {
    List<PodRequest> trace = List.of(gpuPod(1000, 1, 500), gpuPod(2000, 1, 500), gpuPod(2000, 1, 700));
    assertThat(TypicalPods.of(trace, 100).entries()).extracting(e -> e.type().cpuMilli() + "/" + e.type().gpuMilli())
        .containsExactly("2000/700", "2000/500", "1000/500");
  }

  @Test
  void the_default_trace_matches_the_spec_check_values() {
    TypicalPods typical = TypicalPods.of(OpenbTraces.loadPods(Path.of("traces"), "default"), 95);
    assertThat(typical.distinctTypes()).isEqualTo(91);
    assertThat(typical.entries()).hasSize(35);
    assertThat(typical.coveredPods()).isEqualTo(7766);
    assertThat(typical.entries().subList(0, 3)).extracting(TypicalPods.Entry::type).containsExactly(
        new PodType(3152, 810, 1, ""), new PodType(11300, 1000, 1, ""), new PodType(11400, 1000, 1, ""));
    assertThat(typical.entries().subList(0, 3)).extracting(TypicalPods.Entry::pods).containsExactly(1047, 874, 599);
  }

  @Test
  void other_traces_match_the_spec_check_values() {
    assertThat(TypicalPods.of(OpenbTraces.loadPods(Path.of("traces"), "gpuspec33"), 95))
        .returns(330, TypicalPods::distinctTypes).extracting(t -> t.entries().size()).isEqualTo(127);
    assertThat(TypicalPods.of(OpenbTraces.loadPods(Path.of("traces"), "gpushare100"), 95))
        .returns(49, TypicalPods::distinctTypes).extracting(t -> t.entries().size()).isEqualTo(21);
    assertThat(TypicalPods.of(OpenbTraces.loadPods(Path.of("traces"), "multigpu50"), 95))
        .returns(91, TypicalPods::distinctTypes).extracting(t -> t.entries().size()).isEqualTo(43);
  }
}
