package io.topogpu.benchmarks.workload;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A locality-model variant for the sensitivity table: the default model with one factor halved or
 * doubled. "comm" scales the exposed all-reduce share e (equivalently the job's communication intensity
 * S/T_c); "nic" scales every NIC bandwidth; "spine-2:1" oversubscribes the fabric above the leaf.
 */
public record Variant(String name, UnaryOperator<LocalityModel> change) {
  public static final Variant DEFAULT = new Variant("default", m -> m);

  public static final List<Variant> SENSITIVITY = List.of(DEFAULT,
      new Variant("comm x0.5", m -> m.withExposed(m.exposed() * 0.5)),
      new Variant("comm x2", m -> m.withExposed(m.exposed() * 2)),
      new Variant("nic x0.5", m -> m.withNicScale(m.nicScale() * 0.5)),
      new Variant("nic x2", m -> m.withNicScale(m.nicScale() * 2)),
      new Variant("spine 2:1", m -> m.withOversubscription(2)));

  public LocalityModel apply(LocalityModel base) {
    return change.apply(base);
  }
}
