package io.topogpu.scheduler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The demo's gangs on leaf l1 = dgx-01..03 and leaf l2 = dgx-04..07, worked by hand: llm-a (4×8)
 * fits only l2; llm-b (2×8) then takes two nodes of l1; tune-c (2×4) shares the last node; llm-d
 * (3×8) finds no free node and is placed nowhere, not partly.
 */
class GangDemoTest {

  @Test
  @DisplayName("each gang lands whole in the tightest tier that holds it, or nowhere")
  void gangsLandWholeInTheirTier() {
    StringWriter text = new StringWriter();
    int placed = GangDemo.run(new PrintWriter(text));

    assertThat(placed).isEqualTo(3);
    List<String> lines = text.toString().lines().filter(l -> l.startsWith("gang ")).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("gang llm-a   4×8 GPUs -> leaf l2")
        .contains("dgx-04", "dgx-05", "dgx-06", "dgx-07");
    assertThat(lines.get(1)).startsWith("gang llm-b   2×8 GPUs -> leaf l1");
    assertThat(lines.get(2)).startsWith("gang tune-c  2×4 GPUs -> node dgx-0");
    assertThat(lines.get(3)).startsWith("gang llm-d   3×8 GPUs not placed: gang demo/llm-d needs 3×8 GPUs");
    assertThat(text.toString()).contains("gangs: 3 of 4 placed whole, none partly");
  }
}
