package io.topogpu.nodeagent.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Expected names from the device plugin's resource lists (nvidia-labels-mig reference). */
class MigProfileNamesTest {

  @ParameterizedTest(name = "{4}: selector {0}, {1} slices, {2} of {3} MiB")
  @CsvSource({
      "0, 1, 9984, 81920, 1g.10gb",      // A100-80GB
      "9, 1, 19968, 81920, 1g.20gb",     // A100-80GB REV2 (2 memory slices)
      "1, 2, 19968, 81920, 2g.20gb",
      "2, 3, 40192, 81920, 3g.40gb",
      "3, 4, 40192, 81920, 4g.40gb",
      "4, 7, 80896, 81920, 7g.80gb",
      "7, 1, 9984, 81920, 1g.10gb+me",   // media extensions
      "0, 1, 4864, 40960, 1g.5gb",       // A100-40GB
      "2, 3, 19968, 40960, 3g.20gb",
      "0, 1, 16384, 143771, 1g.18gb",    // H200 141GB
      "0, 1, 5888, 24576, 1g.6gb",       // A30
      "13, 1, 9984, 81920, 1g.10gb-me",
      "15, 1, 9984, 81920, 1g.10gb+me.all",
      "10, 1, 9984, 81920, 1g.10gb+gfx",
  })
  void canonicalNames(int selector, int slices, long memMiB, long gpuMiB, String expected) {
    assertThat(MigProfileNames.name(selector, slices, memMiB, gpuMiB)).isEqualTo(expected);
  }

  @Test
  void unnamableProfileIsRejectedWithItsNumbers() {
    assertThatThrownBy(() -> MigProfileNames.name(0, 0, 9984, 81920))
        .hasMessage("mig profile selector 0: slices 0, memory 9984 MiB of 81920 MiB cannot be named");
  }
}
