package io.topogpu.nodeagent.discovery;

import io.topogpu.nodeagent.nvml.NvmlException;
import io.topogpu.nodeagent.nvml.NvmlReturn;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The single rule for optional NVML features: a call answered with {@code NOT_SUPPORTED}, or an
 * entry point the driver lacks ({@code FUNCTION_NOT_FOUND}), is a feature this GPU or driver does
 * not have, not an error. Every other failure propagates and fails the probe.
 */
final class Absent {
  private Absent() {}

  static <T> Optional<T> unlessAbsent(Supplier<T> call) {
    try {
      return Optional.of(call.get());
    } catch (NvmlException e) {
      if (e.code().meansAbsent()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Like {@link #unlessAbsent(Supplier)}, and {@code alsoAbsent} counts as "no such thing" too. */
  static <T> Optional<T> unlessAbsent(Supplier<T> call, NvmlReturn alsoAbsent) {
    try {
      return unlessAbsent(call);
    } catch (NvmlException e) {
      if (e.code() == alsoAbsent) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
