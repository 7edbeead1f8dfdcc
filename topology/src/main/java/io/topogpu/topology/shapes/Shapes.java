package io.topogpu.topology.shapes;

import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.parse.TopoMatrixParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Real node shapes: {@code nvidia-smi topo -m} captures (and MIG listings) shipped as resources in
 * this package, one {@code <name>.txt} each; sources and licences are in the README.md beside them.
 * Tests, the simulator and the demo build clusters from these instead of invented matrices.
 */
public final class Shapes {
  /** Every GPU-matrix capture that parses, by file name without {@code .txt}. */
  private static final List<String> NAMES = List.of(
      "asus-esc8000a-4x-rtx6000ada-pcie",
      "azure-nc96ads-a100v4-4x-a100pcie-nv12-pairs",
      "dgx-a100-8gpu-nv12",
      "dgx-h100-8gpu-nv18",
      "dgx2-v100-16gpu-nvswitch-nv6-reconstructed",
      "gb200-nvl-4gpu-tray",
      "gb200-nvl-4gpu-tray-variant2",
      "hgx-h100-4gpu-nv6",
      "hgx-h100-8gpu-nv18-pix-nics",
      "hgx-h20-8gpu-nv18",
      "l40s-4gpu-pcie-node-sys",
      "l40s-8gpu-pcie-node-sys",
      "p2p-matrix-legend-geforce-gns",
      "puget-wrx90-2x-rtx6000ada-phb",
      "rtx4090-8gpu-pcie-all-sys");

  private Shapes() {}

  /** Names {@link #load} accepts, sorted. The truncated DGX-2 original is not among them. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * The topology of the named capture.
   *
   * @throws IllegalArgumentException when {@code name} is not one of {@link #names()}
   */
  public static NodeTopology load(String name) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown shape '" + name + "'; known shapes: " + String.join(", ", NAMES));
    }
    return TopoMatrixParser.parse(text(name));
  }

  /**
   * The verbatim text of any shipped file, GPU matrix or not (MIG listings, the truncated
   * {@code dgx2-v100-16gpu-nvswitch-nv6} original).
   *
   * @throws IllegalArgumentException when no such file is shipped
   */
  public static String text(String name) {
    try (InputStream in = Shapes.class.getResourceAsStream(name + ".txt")) {
      if (in == null || name.contains("/")) {
        throw new IllegalArgumentException("no shipped capture named '" + name + "'");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading shape " + name, e);
    }
  }
}
