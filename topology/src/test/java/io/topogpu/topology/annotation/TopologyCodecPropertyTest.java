package io.topogpu.topology.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.topogpu.topology.Keys;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.testing.RandomTopologies;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of the codec over seeded random topologies ({@link RandomTopologies}). A failure names
 * its seed; {@code RandomTopologies.seeded(seed).next()} rebuilds the case.
 */
class TopologyCodecPropertyTest {
  private static final int CASES = 500;

  @Test
  void everyTopologySurvivesEncodeThenDecodeUnchanged() {
    for (long seed = 0; seed < CASES; seed++) {
      NodeTopology t = RandomTopologies.seeded(seed).next();

      assertThat(TopologyCodec.decode(TopologyCodec.encode(t))).as("seed %d: %s", seed, t).isEqualTo(t);
    }
  }

  @Test
  void encodingIsDeterministicAndStableThroughADecode() {
    for (long seed = 0; seed < CASES; seed++) {
      String first = TopologyCodec.encode(RandomTopologies.seeded(seed).next());
      String again = TopologyCodec.encode(RandomTopologies.seeded(seed).next());

      assertThat(again).as("seed %d: two equal topologies", seed).isEqualTo(first);
      assertThat(TopologyCodec.encode(TopologyCodec.decode(first))).as("seed %d: after a decode", seed).isEqualTo(first);
    }
  }

  /**
   * Damaged values (a character deleted, inserted or replaced, as a bad hand edit would do) either
   * still decode to a valid topology or fail with a one-line {@link AnnotationException}: never any
   * other exception, so a reader can skip the node and say why.
   */
  @Test
  void damagedValuesFailOnlyWithAOneLineAnnotationException() {
    Random random = new Random(7);
    String alphabet = "{}[]\",:-.0123456789 Xeuv*NVSYSPIXtrufalsn\\";
    for (long seed = 0; seed < CASES; seed++) {
      StringBuilder value = new StringBuilder(TopologyCodec.encode(RandomTopologies.seeded(seed).next()));
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        int at = random.nextInt(value.length());
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> value.deleteCharAt(at);
          case 1 -> value.insert(at, c);
          default -> value.setCharAt(at, c);
        }
      }

      Throwable thrown = catchThrowable(() -> TopologyCodec.decode(value.toString()));

      if (thrown != null) {
        assertThat(thrown).as("seed %d: %s", seed, value).isInstanceOf(AnnotationException.class);
        assertThat(thrown.getMessage()).as("seed %d", seed).startsWith(Keys.TOPOLOGY + ": ").doesNotContain("\n", "\r");
      }
    }
  }
}
