package io.topogpu.topology.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * MIG state of one GPU.
 *
 * @param enabled whether MIG mode is on (a MIG-enabled GPU is never given out whole)
 * @param slices length of the GPU's MIG placement axis, the unit of {@code start}/{@code size} (8 on
 *     A100/H100/B200, where {@code 7g} sits at 0:8 and {@code 3g} at 0:4 or 4:4; 4 on A30); 0 when MIG
 *     is off or unknown
 * @param instances the GPU instances that exist, sorted by placement start; instances never overlap
 * @param unknown empty when the state was read; otherwise why it could not be (the driver refused a
 *     MIG query). An unknown state counts as MIG enabled with no instances: nothing of the GPU is
 *     placeable, whole or sliced, until a later probe reads it
 */
public record MigState(boolean enabled, int slices, List<MigInstance> instances, String unknown) {

  public static final MigState DISABLED = new MigState(false, 0, List.of());

  public MigState(boolean enabled, int slices, List<MigInstance> instances) {
    this(enabled, slices, instances, "");
  }

  /** MIG state that could not be read, and why. */
  public static MigState unknown(String why) {
    if (why == null || why.isBlank()) {
      throw new IllegalArgumentException("an unknown mig state needs a reason");
    }
    return new MigState(true, 0, List.of(), why);
  }

  public boolean known() {
    return unknown.isEmpty();
  }

  public MigState {
    unknown = unknown == null ? "" : unknown;
    if (!unknown.isEmpty() && (!enabled || slices != 0 || (instances != null && !instances.isEmpty()))) {
      throw new IllegalArgumentException("an unknown mig state must be enabled with no slices or instances");
    }
    if (slices < 0) {
      throw new IllegalArgumentException("mig slices must be >= 0, got " + slices);
    }
    List<MigInstance> sorted = new ArrayList<>(instances == null ? List.of() : instances);
    sorted.sort(Comparator.comparingInt(MigInstance::start).thenComparing(MigInstance::profile));
    if (!enabled && !sorted.isEmpty()) {
      throw new IllegalArgumentException("mig instances listed while mig mode is disabled");
    }
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i - 1).overlaps(sorted.get(i))) {
        throw new IllegalArgumentException(
            "mig instances overlap: " + describe(sorted.get(i - 1)) + " and " + describe(sorted.get(i)));
      }
    }
    for (MigInstance m : sorted) {
      if (slices > 0 && m.end() > slices) {
        throw new IllegalArgumentException(
            "mig instance " + describe(m) + " ends past the GPU's " + slices + " slices");
      }
    }
    instances = List.copyOf(sorted);
  }

  private static String describe(MigInstance m) {
    return m.profile() + "@" + m.start() + ":" + m.size();
  }
}
