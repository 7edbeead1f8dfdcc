package io.topogpu.topology.testing;

import io.topogpu.topology.model.Fabric;
import io.topogpu.topology.model.Gpu;
import io.topogpu.topology.model.Health;
import io.topogpu.topology.model.Link;
import io.topogpu.topology.model.LinkKind;
import io.topogpu.topology.model.LinkMatrix;
import io.topogpu.topology.model.MigInstance;
import io.topogpu.topology.model.MigState;
import io.topogpu.topology.model.Nic;
import io.topogpu.topology.model.NodeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Seeded generator of valid, varied {@link NodeTopology}s for property tests: 1 to 16 GPUs, every
 * link class (NVLink direct or through NVSwitch with 1 to 18 links, every PCIe class) kept
 * symmetric, NUMA known or not, MIG off / on / on with non-overlapping instances, NICs, a fabric or
 * none, and strings that need JSON escaping. The same seed always gives the same topology, so a
 * failing case is reproduced by its seed:
 *
 * <pre>{@code
 * NodeTopology t = RandomTopologies.seeded(42).next();
 * }</pre>
 */
public final class RandomTopologies {
  private static final LinkKind[] PCIE = {LinkKind.PIX, LinkKind.PXB, LinkKind.PHB, LinkKind.NODE, LinkKind.SYS};
  private static final String[] MODELS = {
    "", "NVIDIA A100-SXM4-80GB", "NVIDIA H100 80GB HBM3", "NVIDIA L40S", "NVIDIA GB200",
    "Tesla V100-SXM3-32GB", "odd \"model\" \\ name é ✓"};
  /** MIG slice counts seen in the field (A30 4, A100/H100 7, B200 8) and 0 for unknown. */
  private static final int[] SLICES = {0, 4, 7, 8};
  private static final int[] MIG_SIZES = {1, 1, 1, 2, 3, 4, 7, 8};

  private final Random random;

  private RandomTopologies(long seed) {
    this.random = new Random(seed);
  }

  public static RandomTopologies seeded(long seed) {
    return new RandomTopologies(seed);
  }

  /** A topology of 1 to 16 GPUs. */
  public NodeTopology next() {
    return next(1 + random.nextInt(16));
  }

  /** A topology of exactly {@code n} GPUs. */
  public NodeTopology next(int n) {
    List<Gpu> gpus = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      gpus.add(gpu(i));
    }
    List<Nic> nics = new ArrayList<>();
    for (int k = random.nextInt(5); k > 0; k--) {
      nics.add(nic(nics.size(), n));
    }
    return new NodeTopology(gpus, links(n), nics, chance(0.2) ? fabric() : null);
  }

  /** Each pair independently: 25% direct NVLink, 15% NVSwitch, otherwise a PCIe class. */
  private LinkMatrix links(int n) {
    Link[][] cells = new Link[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double roll = random.nextDouble();
        Link l = roll < 0.25 ? Link.nvlink(1 + random.nextInt(18))
            : roll < 0.40 ? Link.nvswitch(1 + random.nextInt(18))
            : Link.pcie(pick(PCIE));
        cells[i][j] = l;
        cells[j][i] = l;
      }
    }
    return LinkMatrix.of(cells);
  }

  private Gpu gpu(int index) {
    return new Gpu(
        index,
        chance(0.7) ? "GPU-" + uuid() : "",
        MODELS[random.nextInt(MODELS.length)],
        chance(0.6) ? 1024L * (1 + random.nextInt(192)) : 0,
        chance(0.6) ? String.format("%08X:%02X:00.0", 0, random.nextInt(256)) : "",
        random.nextInt(9) - 1,
        chance(0.6) ? cpuList() : "",
        chance(0.1) ? Health.UNHEALTHY : Health.HEALTHY,
        mig());
  }

  /** Off (60%), on but unset or off with a known slice count, or on with random placements. */
  private MigState mig() {
    double roll = random.nextDouble();
    int slices = SLICES[random.nextInt(SLICES.length)];
    if (roll < 0.6) {
      return MigState.DISABLED;
    }
    if (roll < 0.7) {
      return new MigState(chance(0.5), slices, List.of());
    }
    int limit = slices == 0 ? 8 : slices;
    List<MigInstance> instances = new ArrayList<>();
    for (int start = 0; start < limit; ) {
      int size = MIG_SIZES[random.nextInt(MIG_SIZES.length)];
      if (chance(0.25) || start + size > limit) {
        start++; // leave a slice free
        continue;
      }
      instances.add(new MigInstance(size + "g." + (10 * size) + "gb", start, size,
          chance(0.8) ? 9856L * size : 0, chance(0.8) ? "MIG-" + uuid() : "", chance(0.8) ? random.nextInt(15) : -1));
      start += size;
    }
    return new MigState(true, slices, instances);
  }

  private Nic nic(int k, int gpus) {
    List<LinkKind> links = new ArrayList<>();
    for (int g = 0; g < gpus; g++) {
      links.add(pick(PCIE));
    }
    return chance(0.5) ? new Nic("NIC" + k, chance(0.8) ? "mlx5_" + k : "", links) : new Nic("mlx5_" + k, "mlx5_" + k, links);
  }

  private Fabric fabric() {
    return new Fabric(uuid().toString(), chance(0.5) ? random.nextInt(32) : Math.abs(random.nextLong() >> 1));
  }

  private String cpuList() {
    int first = 16 * random.nextInt(8);
    return first + "-" + (first + 15) + (chance(0.5) ? "," + (first + 128) + "-" + (first + 143) : "");
  }

  private UUID uuid() {
    return new UUID(random.nextLong(), random.nextLong());
  }

  private boolean chance(double p) {
    return random.nextDouble() < p;
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }
}
