package io.topogpu.topology.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import io.topogpu.topology.testing.MakeTopology;
import io.topogpu.topology.testing.RandomTopologies;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TopologyPictureTest {
  private static final int WHITE = 0xffffff;
  /** Colour of the NV9-12 bucket and of the NVSwitch bar. */
  private static final int NV9_TO_12 = 0x2171b5;
  private static final int BAR = 0x252525;

  private static BufferedImage decode(byte[] png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image).as("a PNG that ImageIO reads back").isNotNull();
    return image;
  }

  /** The documented width, recomputed: margins, then per NUMA group its padding, boxes and gaps. */
  private static int expectedWidth(NodeTopology t) {
    int w = 2 * 20;
    for (List<Integer> group : t.numaGroups()) {
      w += 2 * 10 + 72 * group.size() + 14 * (group.size() - 1);
    }
    w += 20 * (t.numaGroups().size() - 1);
    return Math.max(560, w);
  }

  @Test
  void everyShippedShapeRendersToAPngOfTheDocumentedSize() throws IOException {
    for (String name : Shapes.names()) {
      NodeTopology t = Shapes.load(name);

      BufferedImage image = decode(TopologyPicture.png(t));

      assertThat(image.getWidth()).as(name).isEqualTo(expectedWidth(t));
      assertThat(image.getHeight()).as(name).isEqualTo(420);
    }
  }

  @Test
  void sizesWorkedOutByHand() throws IOException {
    // DGX A100: 4 NUMA groups of 2 GPUs: 40 + 4 * (20 + 144 + 14) + 3 * 20 = 812
    assertThat(decode(TopologyPicture.png(Shapes.load("dgx-a100-8gpu-nv12"))).getWidth()).isEqualTo(812);
    // DGX-2: 2 groups of 8: 40 + 2 * (20 + 576 + 98) + 20 = 1448
    assertThat(decode(TopologyPicture.png(Shapes.load("dgx2-v100-16gpu-nvswitch-nv6-reconstructed"))).getWidth())
        .isEqualTo(1448);
    // 2 GPUs in one group: 40 + 20 + 144 + 14 = 218, below the 560 minimum
    assertThat(decode(TopologyPicture.png(MakeTopology.gpus(2).build())).getWidth()).isEqualTo(560);
  }

  @Test
  void anNvswitchNodeGetsABarUnderItsGpusAndAPcieNodeDoesNot() throws IOException {
    int gpu0CentreX = 20 + 10 + 72 / 2;
    BufferedImage dgx = decode(TopologyPicture.png(MakeTopology.gpus(8).nvswitch(12).build()));
    BufferedImage pcie = decode(TopologyPicture.png(MakeTopology.gpus(8).pcie(LinkKind.NODE).build()));

    assertThat(dgx.getRGB(gpu0CentreX, TopologyPicture.BAR_Y + 3) & WHITE).isEqualTo(BAR);
    assertThat(pcie.getRGB(gpu0CentreX, TopologyPicture.BAR_Y + 3) & WHITE).isEqualTo(WHITE);
  }

  @Test
  void aBridgedPairGetsAnArcInTheColourOfItsLinkCount() throws IOException {
    // GPUs 0 and 1 in separate NUMA groups of one: centres at x 66 and 66 + 92 + 20 = 178; the arc
    // spans one box step, so its top is 24 px above the row, at x 122.
    BufferedImage image = decode(TopologyPicture.png(MakeTopology.gpus(2).numa(0, 1).nvlinkPair(0, 1, 12).build()));

    boolean found = false;
    for (int y = TopologyPicture.ROW_Y - 24 - 2; y <= TopologyPicture.ROW_Y - 24 + 2; y++) {
      found |= (image.getRGB(122, y) & WHITE) == NV9_TO_12;
    }
    assertThat(found).as("an NV9-12 coloured pixel at the arc's top").isTrue();
  }

  @Test
  void randomTopologiesRenderAtTheirDocumentedSize() throws IOException {
    for (long seed = 0; seed < 40; seed++) {
      NodeTopology t = RandomTopologies.seeded(seed).next();

      assertThat(decode(TopologyPicture.png(t)).getWidth()).as("seed %d", seed).isEqualTo(expectedWidth(t));
    }
  }
}
