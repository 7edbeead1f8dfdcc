package io.topogpu.nodeagent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CpuSetsTest {

  /** Mask with bits [from, to] set, over 4 words. */
  private static long[] range(long[] mask, int from, int to) {
    for (int k = from; k <= to; k++) {
      mask[k / 64] |= 1L << (k % 64);
    }
    return mask;
  }

  @Test
  @DisplayName("DGX A100 GPU0 affinity spans a word boundary: 48-63,176-191")
  void rangesAcrossWords() {
    long[] mask = range(range(new long[4], 48, 63), 176, 191);
    assertThat(CpuSets.cpuList(mask)).isEqualTo("48-63,176-191");
  }

  @Test
  @DisplayName("single CPUs print alone, adjacent ones join")
  void singlesAndPairs() {
    long[] mask = range(range(range(new long[2], 0, 0), 2, 3), 127, 127);
    assertThat(CpuSets.cpuList(mask)).isEqualTo("0,2-3,127");
  }

  @Test
  @DisplayName("empty mask: empty list, lowest -1")
  void empty() {
    assertThat(CpuSets.cpuList(new long[4])).isEmpty();
    assertThat(CpuSets.lowest(new long[4])).isEqualTo(-1);
  }

  @Test
  @DisplayName("lowest NUMA node of GB200's 0,3-9,11-17 is 0; of a mask starting in word 1, 64+")
  void lowest() {
    assertThat(CpuSets.lowest(range(range(new long[1], 3, 9), 0, 0))).isZero();
    assertThat(CpuSets.lowest(range(new long[2], 70, 71))).isEqualTo(70);
  }
}
