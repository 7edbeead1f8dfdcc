package io.topogpu.scheduler.placement;

import io.topogpu.scheduler.model.LinkConstraint;
import java.util.OptionalDouble;

/**
 * Whether the chosen GPUs meet the pod's {@code topogpu.io/placement-preferred} level:
 *
 * <pre>  preferred = 1 if the set lies in one NVLink domain (nvlink) / one NUMA group (numa), else 0</pre>
 *
 * Applies to whole-GPU requests with a preferred level of {@code nvlink} or {@code numa}; a single
 * GPU always meets it.
 */
final class PreferredPlacement implements ScoreTerm {
  static final String NAME = "preferred";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public OptionalDouble score(ScoreContext c) {
    LinkConstraint wanted = LinkConstraint.of(c.pod().placement().preferred().orElse(""));
    if (wanted == LinkConstraint.NONE || c.chosen().isEmpty()) {
      return OptionalDouble.empty();
    }
    var t = c.before().topology().orElseThrow();
    var gpus = c.chosen().get().indices();
    int first = gpus.get(0);
    boolean met = gpus.stream().allMatch(g -> wanted == LinkConstraint.NVLINK
        ? gpus.size() == 1 || (t.nvlinkDomainOf(first) >= 0 && t.nvlinkDomainOf(g) == t.nvlinkDomainOf(first))
        : t.numaGroupOf(g) == t.numaGroupOf(first));
    return OptionalDouble.of(met ? 1 : 0);
  }
}
