package io.topogpu.topology.render;

import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.Nic;
import io.topogpu.topology.model.NodeTopology;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A picture of one node for people who would rather look than read: GPUs as boxes in a row, framed
 * by NUMA group; direct NVLinks as arcs above the row, coloured and thickened by link count; each
 * NVSwitch domain as a bar below the row with a stub to every member; the NICs nearest each GPU
 * ({@code PIX}/{@code PXB}) named under it; MIG instances as a slice strip inside the box. Pure
 * java.awt, works headless.
 *
 * <p>Size: height is always {@value #HEIGHT}; width = max({@value #MIN_WIDTH}, 2·{@value #MARGIN}
 * + Σ over NUMA groups of (2·{@value #GROUP_PAD} + k·{@value #BOX_W} + (k−1)·{@value #GAP}) + (G−1)·{@value
 * #GROUP_GAP}), for G groups of k GPUs each.
 */
public final class TopologyPicture {
  static final int HEIGHT = 420;
  static final int MIN_WIDTH = 560;
  static final int MARGIN = 20;
  static final int BOX_W = 72;
  static final int BOX_H = 52;
  static final int GAP = 14;
  static final int GROUP_PAD = 10;
  static final int GROUP_GAP = 20;

  static final int ROW_Y = 210;
  private static final int ARC_STEP = 24;
  private static final int ARC_MAX = 150;
  static final int BAR_Y = 300;
  private static final int NIC_Y = 360;

  /** NVLink count buckets, fewest links first: upper bound, legend label, colour. */
  private record Bucket(int maxLinks, String label, Color colour) {}

  private static final List<Bucket> BUCKETS = List.of(
      new Bucket(2, "NV1-2", new Color(0x9e, 0xca, 0xe1)),
      new Bucket(4, "NV3-4", new Color(0x6b, 0xae, 0xd6)),
      new Bucket(8, "NV5-8", new Color(0x42, 0x92, 0xc6)),
      new Bucket(12, "NV9-12", new Color(0x21, 0x71, 0xb5)),
      new Bucket(Integer.MAX_VALUE, "NV13+", new Color(0x08, 0x30, 0x6b)));

  private static final Color FRAME = new Color(0xbd, 0xbd, 0xbd);
  private static final Color GPU_FILL = new Color(0xf0, 0xf0, 0xf0);
  private static final Color UNHEALTHY_FILL = new Color(0xfc, 0xbb, 0xa1);
  private static final Color MIG_USED = new Color(0x74, 0xc4, 0x76);
  private static final Color TEXT = new Color(0x25, 0x25, 0x25);

  private final NodeTopology t;
  private final Graphics2D g;
  private final int[] centreX;
  /** Group labels, drawn last on a white backing so links crossing them leave them readable. */
  private final List<Runnable> labels = new ArrayList<>();

  private TopologyPicture(NodeTopology t, Graphics2D g) {
    this.t = t;
    this.g = g;
    this.centreX = new int[t.gpuCount()];
  }

  /** The picture as a PNG file's bytes. */
  public static byte[] png(NodeTopology t) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(render(t), "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("writing a PNG to memory", e);
    }
    return out.toByteArray();
  }

  public static BufferedImage render(NodeTopology t) {
    BufferedImage image = new BufferedImage(width(t), HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), HEIGHT);
      new TopologyPicture(t, g).draw();
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The documented width formula. */
  static int width(NodeTopology t) {
    int content = 0;
    for (List<Integer> group : t.numaGroups()) {
      content += 2 * GROUP_PAD + group.size() * BOX_W + (group.size() - 1) * GAP;
    }
    content += Math.max(0, t.numaGroups().size() - 1) * GROUP_GAP;
    return Math.max(MIN_WIDTH, 2 * MARGIN + content);
  }

  private void draw() {
    title();
    int x = MARGIN;
    for (List<Integer> group : t.numaGroups()) {
      x = group(group, x) + GROUP_GAP;
    }
    directLinks();
    switchBars();
    nics();
    legend();
    labels.forEach(Runnable::run);
  }

  private void title() {
    g.setColor(TEXT);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    String model = t.gpuCount() == 0 || t.gpu(0).model().isEmpty() ? "model unknown" : t.gpu(0).model();
    g.drawString(t.gpuCount() + " GPUs, " + model, MARGIN, 22);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    String fabric = t.fabric() == null ? "no multi-node NVLink fabric" : "NVLink fabric clique " + t.fabric().cliqueLabel();
    g.drawString("NVLink generation " + t.generation() + ", " + t.nvlinkDomains().size() + " NVLink domain(s), " + fabric,
        MARGIN, 38);
  }

  /** Draws one NUMA group's frame and GPU boxes from {@code x}; returns the frame's right edge. */
  private int group(List<Integer> members, int x) {
    int w = 2 * GROUP_PAD + members.size() * BOX_W + (members.size() - 1) * GAP;
    g.setColor(FRAME);
    g.setStroke(new BasicStroke(1f));
    g.drawRoundRect(x, ROW_Y - 8, w, BOX_H + 30, 10, 10);
    String label = groupLabel(t.gpu(members.get(0)));
    labels.add(() -> {
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
      g.setColor(Color.WHITE);
      g.fillRect(x + 4, ROW_Y + BOX_H + 6, g.getFontMetrics().stringWidth(label) + 4, 13);
      g.setColor(TEXT);
      g.drawString(label, x + 6, ROW_Y + BOX_H + 16);
    });
    int boxX = x + GROUP_PAD;
    for (int gpu : members) {
      gpuBox(t.gpu(gpu), boxX);
      centreX[gpu] = boxX + BOX_W / 2;
      boxX += BOX_W + GAP;
    }
    return x + w;
  }

  private static String groupLabel(Gpu first) {
    if (first.numaNode() >= 0) {
      return "NUMA " + first.numaNode();
    }
    return first.cpuAffinity().isEmpty() ? "NUMA unknown" : "CPUs " + first.cpuAffinity();
  }

  private void gpuBox(Gpu gpu, int x) {
    g.setColor(gpu.healthy() ? GPU_FILL : UNHEALTHY_FILL);
    g.fillRoundRect(x, ROW_Y, BOX_W, BOX_H, 8, 8);
    g.setColor(TEXT);
    g.drawRoundRect(x, ROW_Y, BOX_W, BOX_H, 8, 8);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    g.drawString("GPU" + gpu.index(), x + 6, ROW_Y + 16);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    String second = !gpu.healthy() ? "unhealthy" : gpu.memoryMiB() > 0 ? gpu.memoryMiB() / 1024 + " GiB" : "";
    g.drawString(second, x + 6, ROW_Y + 30);
    if (gpu.mig().enabled()) {
      migStrip(gpu, x + 6, ROW_Y + 38, BOX_W - 12);
    }
  }

  /** One cell per memory slice (7 when unknown); a filled run per GPU instance. */
  private void migStrip(Gpu gpu, int x, int y, int w) {
    int slices = gpu.mig().slices() > 0 ? gpu.mig().slices() : 7;
    double cell = (double) w / slices;
    g.setColor(MIG_USED);
    for (MigInstance m : gpu.mig().instances()) {
      int span = Math.min(m.size(), slices - m.start());
      g.fillRect(x + (int) (m.start() * cell) + 1, y, (int) (span * cell) - 1, 8);
    }
    g.setColor(TEXT);
    for (int s = 0; s < slices; s++) {
      g.drawRect(x + (int) (s * cell), y, (int) cell, 8);
    }
  }

  /** Point-to-point NVLinks as arcs over the row; span and height grow with the distance. */
  private void directLinks() {
    for (int a = 0; a < t.gpuCount(); a++) {
      for (int b = a + 1; b < t.gpuCount(); b++) {
        Link l = t.link(a, b);
        if (l.isNvlink() && !l.nvswitch()) {
          int x1 = Math.min(centreX[a], centreX[b]);
          int x2 = Math.max(centreX[a], centreX[b]);
          int h = Math.min(ARC_MAX, ARC_STEP * Math.max(1, (x2 - x1) / (BOX_W + GAP)));
          stroke(l.nvlinks());
          g.draw(new Arc2D.Double(x1, ROW_Y - h, x2 - x1, 2.0 * h, 0, 180, Arc2D.OPEN));
        }
      }
    }
  }

  /** One bar per NVSwitch domain, stacked; a stub from each member coloured by its link count. */
  private void switchBars() {
    int bar = 0;
    for (int d = 0; d < t.nvlinkDomains().size(); d++) {
      if (!t.domainSwitched(d)) {
        continue;
      }
      int y = BAR_Y + 26 * bar++;
      List<Integer> xs = new ArrayList<>();
      int fewest = Integer.MAX_VALUE;
      int most = 0;
      for (int a : t.nvlinkDomains().get(d)) {
        int links = 0;
        for (int b : t.nvlinkDomains().get(d)) {
          if (a != b && t.link(a, b).nvswitch()) {
            links = Math.max(links, t.link(a, b).nvlinks());
          }
        }
        if (links > 0) {
          stroke(links);
          g.drawLine(centreX[a], ROW_Y + BOX_H, centreX[a], y);
          xs.add(centreX[a]);
          fewest = Math.min(fewest, links);
          most = Math.max(most, links);
        }
      }
      int left = xs.stream().mapToInt(Integer::intValue).min().orElse(0) - 6;
      int right = xs.stream().mapToInt(Integer::intValue).max().orElse(0) + 6;
      g.setColor(TEXT);
      g.fillRect(left, y, right - left, 6);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
      g.drawString("NVSwitch, NV" + fewest + (fewest == most ? "" : "-" + most), left, y + 18);
    }
  }

  /** Under each GPU, the NICs one or two PCIe bridges away from it. */
  private void nics() {
    g.setColor(TEXT);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    for (int gpu = 0; gpu < t.gpuCount(); gpu++) {
      List<String> near = new ArrayList<>();
      for (Nic nic : t.nics()) {
        if (nic.gpuLinks().get(gpu).atLeast(LinkKind.PXB)) {
          near.add(nic.device().isEmpty() ? nic.name() : nic.device());
        }
      }
      for (int line = 0; line < Math.min(2, near.size()); line++) {
        String text = line == 1 && near.size() > 2 ? "+" + (near.size() - 1) + " NICs" : near.get(line);
        g.drawString(text, centreX[gpu] - BOX_W / 2 + 4, NIC_Y + 12 * line);
      }
    }
  }

  private void legend() {
    int x = MARGIN;
    int y = HEIGHT - 16;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    for (Bucket b : BUCKETS) {
      stroke(b.maxLinks() == Integer.MAX_VALUE ? 18 : b.maxLinks());
      g.drawLine(x, y - 4, x + 24, y - 4);
      g.setColor(TEXT);
      g.drawString(b.label(), x + 28, y);
      x += 80;
    }
    g.fillRect(x, y - 7, 24, 6);
    g.drawString("NVSwitch", x + 28, y);
  }

  /** Colour and width for a link of {@code nvlinks}: width = 1 + bucket number. */
  private void stroke(int nvlinks) {
    for (int i = 0; i < BUCKETS.size(); i++) {
      if (nvlinks <= BUCKETS.get(i).maxLinks()) {
        g.setColor(BUCKETS.get(i).colour());
        g.setStroke(new BasicStroke(1f + i));
        return;
      }
    }
  }
}
