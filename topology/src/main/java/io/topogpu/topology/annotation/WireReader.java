package io.topogpu.topology.annotation;

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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Wire records to the model. Presence is checked here; every value check is the model's own (its
 * constructors throw {@link IllegalArgumentException}), re-thrown as an {@link AnnotationException}
 * carrying the JSON path of the record being built.
 */
final class WireReader {
  private static final Map<String, Health> HEALTH_BY_NAME = Arrays.stream(Health.values())
      .collect(Collectors.toUnmodifiableMap(h -> h.name().toLowerCase(Locale.ROOT), Function.identity()));

  private WireReader() {}

  static NodeTopology read(Wire.Topology w) {
    List<Wire.Gpu> wireGpus = required(w.gpus(), "gpus");
    List<Gpu> gpus = new ArrayList<>();
    for (int i = 0; i < wireGpus.size(); i++) {
      gpus.add(gpu(required(wireGpus.get(i), "gpus[" + i + "]"), "gpus[" + i + "]"));
    }
    LinkMatrix links = links(required(w.links(), "links"));
    List<Wire.Nic> wireNics = Objects.requireNonNullElse(w.nics(), List.of());
    List<Nic> nics = new ArrayList<>();
    for (int i = 0; i < wireNics.size(); i++) {
      nics.add(nic(required(wireNics.get(i), "nics[" + i + "]"), "nics[" + i + "]"));
    }
    Fabric fabric = w.fabric() == null ? null : fabric(w.fabric());
    return model("", () -> new NodeTopology(gpus, links, nics, fabric));
  }

  private static Gpu gpu(Wire.Gpu w, String path) {
    int index = required(w.index(), path + ".index");
    Health health = w.health() == null ? Health.HEALTHY : HEALTH_BY_NAME.get(w.health());
    if (health == null) {
      throw new AnnotationException(path + ".health",
          "expected one of " + String.join(", ", HEALTH_BY_NAME.keySet().stream().sorted().toList())
              + ", got " + Json.quote(w.health()));
    }
    MigState mig = w.mig() == null ? MigState.DISABLED : mig(w.mig(), path + ".mig");
    return model(path, () -> new Gpu(index, w.uuid(), w.model(), orZero(w.memMiB()), w.pci(),
        w.numa() == null ? -1 : w.numa(), w.cpus(), health, mig, w.healthReason()));
  }

  private static MigState mig(Wire.Mig w, String path) {
    boolean enabled = required(w.enabled(), path + ".enabled");
    List<Wire.MigInstance> wireInstances = Objects.requireNonNullElse(w.instances(), List.of());
    List<MigInstance> instances = new ArrayList<>();
    for (int i = 0; i < wireInstances.size(); i++) {
      String at = path + ".instances[" + i + "]";
      Wire.MigInstance m = required(wireInstances.get(i), at);
      String profile = required(m.profile(), at + "[0]", "profile");
      int start = required(m.start(), at + "[1]", "start");
      int size = required(m.size(), at + "[2]", "size");
      long memory = required(m.memMiB(), at + "[3]", "memMiB");
      String uuid = required(m.uuid(), at + "[4]", "uuid");
      int giId = required(m.giId(), at + "[5]", "giId");
      instances.add(model(at, () -> new MigInstance(profile, start, size, memory, uuid, giId)));
    }
    return model(path, () -> new MigState(enabled, w.slices() == null ? 0 : w.slices(), instances, w.unknown()));
  }

  /** Rows of tokens to a matrix; squareness and symmetry are {@link LinkMatrix#of}'s checks. */
  private static LinkMatrix links(List<String> rows) {
    Link[][] cells = new Link[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      List<String> tokens = tokens(required(rows.get(i), "links[" + i + "]"));
      cells[i] = new Link[tokens.size()];
      for (int j = 0; j < tokens.size(); j++) {
        cells[i][j] = cell(tokens.get(j), i, j);
      }
    }
    return model("links", () -> LinkMatrix.of(cells));
  }

  private static Link cell(String token, int i, int j) {
    String path = "links[" + i + "][" + j + "]";
    if (i == j || token.equals(LinkTokens.DIAGONAL)) {
      if (i != j || !token.equals(LinkTokens.DIAGONAL)) {
        throw new AnnotationException(path, i == j
            ? "expected X on the diagonal, got " + Json.quote(token)
            : "X is allowed only on the diagonal");
      }
      return null;
    }
    return model(path, () -> LinkTokens.link(token));
  }

  private static Nic nic(Wire.Nic w, String path) {
    String name = required(w.name(), path + ".name");
    List<String> tokens = tokens(required(w.links(), path + ".links"));
    List<LinkKind> gpuLinks = new ArrayList<>();
    for (int g = 0; g < tokens.size(); g++) {
      String token = tokens.get(g);
      gpuLinks.add(model(path + ".links[" + g + "]", () -> LinkTokens.kind(token)));
    }
    return model(path, () -> new Nic(name, w.device(), gpuLinks));
  }

  private static Fabric fabric(Wire.Fabric w) {
    String cluster = required(w.clusterUuid(), "fabric.clusterUuid");
    long clique = required(w.cliqueId(), "fabric.cliqueId");
    return model("fabric", () -> new Fabric(cluster, clique));
  }

  private static List<String> tokens(String row) {
    String s = row.strip();
    return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }

  private static <T> T required(T value, String path) {
    if (value == null) {
      throw new AnnotationException(path, "missing");
    }
    return value;
  }

  /** A tuple element: {@code path} is positional, so the message names the element. */
  private static <T> T required(T value, String path, String element) {
    if (value == null) {
      throw new AnnotationException(path, "missing " + element);
    }
    return value;
  }

  /** Runs a model constructor, giving its complaint the JSON path of what it was building. */
  private static <T> T model(String path, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new AnnotationException(path, e.getMessage());
    }
  }
}
