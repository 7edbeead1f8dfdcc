package io.topogpu.benchmarks.fgd;

import java.util.Arrays;
import java.util.List;

/**
 * One pod of an openb trace, as the FGD protocol reads it (fgd-protocol.md §2.2): a single task placed
 * whole on one node. {@code gpuMilli} is per GPU (1000 = a whole GPU) and 0 for CPU-only pods;
 * {@code gpuType} is the unnormalised allowed-model string ("" = any model).
 *
 * <p>Invariants, checked here: count in 0..8; count = 0 iff milli = 0. Trace loading additionally rejects
 * multi-GPU pods with milli &lt; 1000 (the authors' tool aborts on them); the record itself allows them only
 * so that score formulas can be checked against the authors' own test vectors.
 */
public record PodRequest(String name, long cpuMilli, long memoryMib, int gpuCount, int gpuMilli, String gpuType) {

  public static final int MILLI = 1000;

  public PodRequest {
    if (gpuCount < 0 || gpuCount > 8) {
      throw new IllegalArgumentException("pod " + name + ": gpu count " + gpuCount + " not in 0..8");
    }
    if ((gpuCount == 0) != (gpuMilli == 0) || gpuMilli < 0 || gpuMilli > MILLI) {
      throw new IllegalArgumentException(
          "pod " + name + ": gpu milli " + gpuMilli + " inconsistent with count " + gpuCount);
    }
    if (gpuCount == 0 && !gpuType.isEmpty()) {
      throw new IllegalArgumentException("pod " + name + ": a CPU-only pod has no GPU type");
    }
  }

  /** milli × count, the pod's contribution to arrived GPU demand. */
  public long totalGpuMilli() {
    return (long) gpuMilli * gpuCount;
  }

  public boolean cpuOnly() {
    return gpuCount == 0;
  }

  /** count = 1 and 0 &lt; milli &lt; 1000. */
  public boolean sharing() {
    return gpuCount == 1 && gpuMilli < MILLI;
  }

  /** Whether a node of {@code model} satisfies the GPU-type constraint (always true without one). */
  public boolean allowsModel(String model) {
    return allowsModel(gpuType, model);
  }

  static boolean allowsModel(String gpuType, String model) {
    if (gpuType.isEmpty()) {
      return true;
    }
    return Arrays.asList(gpuType.split("\\|")).contains(model);
  }

  /** A copy under another name (tune-up copies are named {@code <name>-tuned-<i>}). */
  public PodRequest renamed(String newName) {
    return new PodRequest(newName, cpuMilli, memoryMib, gpuCount, gpuMilli, gpuType);
  }

  /** Normalises a raw {@code gpu_spec}: split on '|', drop empty pieces, re-join; order and duplicates kept. */
  static String normaliseGpuSpec(String raw) {
    return String.join("|", Arrays.stream(raw.split("\\|")).filter(s -> !s.isEmpty()).toList());
  }

  static List<String> pieces(String gpuType) {
    return gpuType.isEmpty() ? List.of() : List.of(gpuType.split("\\|"));
  }
}
