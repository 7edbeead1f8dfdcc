package io.topogpu.scheduler.demo;

import io.topogpu.scheduler.model.ClusterNode;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.shapes.Shapes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's simulated cluster: 30 nodes of real shapes, every topology parsed from the captures
 * shipped with {@link Shapes}. The MIG nodes are DGX A100s whose eight GPUs are partitioned as GPU
 * 0 of the {@code mig-a100-80gb-lgi-mixed-placements} capture ({@code nvidia-smi mig -lgi}:
 * 2g.20gb@0:2, 1g.10gb@2:1, 1g.10gb@3:1, 3g.40gb@4:4 on the 8 memory slices of an A100 80GB).
 */
public final class DemoCluster {
  static final String MIG_CAPTURE = "mig-a100-80gb-lgi-mixed-placements";
  /** Memory slices of an A100: placements run over 0..7. */
  static final int A100_MEMORY_SLICES = 8;

  /** Node name prefix → (shape, count), in the order nodes are listed to the extender. */
  private static final Map<String, Fleet> FLEET = fleet();

  private record Fleet(String shape, int count, boolean mig) {}

  private static final Pattern LGI_ROW =
      Pattern.compile("^\\|\\s+(\\d+)\\s+MIG\\s+(\\S+)\\s+\\d+\\s+(\\d+)\\s+(\\d+):(\\d+)\\s+\\|");

  private DemoCluster() {}

  private static Map<String, Fleet> fleet() {
    Map<String, Fleet> m = new LinkedHashMap<>();
    m.put("dgx-a100", new Fleet("dgx-a100-8gpu-nv12", 6, false));
    m.put("hgx-h100", new Fleet("hgx-h100-8gpu-nv18-pix-nics", 4, false));
    m.put("azure-nc96", new Fleet("azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs", 6, false));
    m.put("l40s", new Fleet("l40s-8gpu-pcie-node-sys", 8, false));
    m.put("gb200-tray", new Fleet("gb200-nvl-4gpu-tray", 4, false));
    m.put("mig-a100", new Fleet("dgx-a100-8gpu-nv12", 2, true));
    return m;
  }

  /** Every node, named {@code <prefix>-NN}. */
  public static List<ClusterNode> nodes() {
    List<ClusterNode> out = new ArrayList<>();
    NodeTopology migTopology = null;
    for (var entry : FLEET.entrySet()) {
      Fleet f = entry.getValue();
      NodeTopology t = Shapes.load(f.shape());
      if (f.mig()) {
        migTopology = migTopology == null ? partitioned(t) : migTopology;
        t = migTopology;
      }
      for (int i = 1; i <= f.count(); i++) {
        String name = String.format("%s-%02d", entry.getKey(), i);
        out.add(ClusterNode.withTopology(name, Map.of(), Map.of(), t));
      }
    }
    return out;
  }

  /** A DGX A100 with every GPU partitioned like GPU 0 of the MIG capture. */
  public static NodeTopology migA100() {
    return partitioned(Shapes.load(FLEET.get("mig-a100").shape()));
  }

  /** Every GPU of {@code t} partitioned like GPU 0 of the MIG capture. */
  static NodeTopology partitioned(NodeTopology t) {
    List<MigInstance> layout = new ArrayList<>();
    for (String line : Shapes.text(MIG_CAPTURE).split("\n")) {
      Matcher m = LGI_ROW.matcher(line);
      if (m.find() && m.group(1).equals("0")) {
        layout.add(
            new MigInstance(
                m.group(2),
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                0,
                "",
                Integer.parseInt(m.group(3))));
      }
    }
    if (layout.isEmpty()) {
      throw new IllegalStateException(MIG_CAPTURE + ": no GPU 0 rows in the mig -lgi listing");
    }
    MigState state = new MigState(true, A100_MEMORY_SLICES, layout);
    List<Gpu> gpus = t.gpus().stream().map(g -> g.withMig(state)).toList();
    return t.withGpus(gpus);
  }
}
