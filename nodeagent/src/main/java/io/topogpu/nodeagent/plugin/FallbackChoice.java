package io.topogpu.nodeagent.plugin;

import io.topogpu.topology.objective.SetValue;
import io.topogpu.topology.Keys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The plugin's own choice when the scheduler's cannot be had (or there is none): among the
 * kubelet's {@code available} IDs, always keeping {@code mustInclude}.
 *
 * <ul>
 *   <li>whole GPUs: the best set by topogpu's objective ({@link SetValue}: bottleneck bandwidth,
 *       total bandwidth, NUMA span, blocks left intact, lowest indices), exhaustive over the
 *       k-subsets of up to {@value #EXHAUSTIVE_LIMIT} available GPUs, greedy above;
 *   <li>shares: units of one GPU, the GPU with the fewest available units that still fit (best
 *       fit, lowest index on ties); spread over GPUs only when none fits;
 *   <li>MIG devices: in the kubelet's order (they are interchangeable within a profile).
 * </ul>
 */
final class FallbackChoice {
  static final int EXHAUSTIVE_LIMIT = 16;

  private FallbackChoice() {}

  static List<String> choose(Inventory inv, String resource, List<String> available, List<String> mustInclude, int size) {
    if (resource.equals(Keys.RESOURCE_GPU)) {
      return wholeGpus(inv, available, mustInclude, size);
    }
    if (DeviceIds.isShare(resource)) {
      return units(inv, available, mustInclude, size);
    }
    List<String> out = new ArrayList<>(mustInclude);
    available.stream().filter(id -> !out.contains(id)).limit(Math.max(0, size - out.size())).forEach(out::add);
    return out;
  }

  private static List<String> wholeGpus(Inventory inv, List<String> available, List<String> must, int size) {
    Map<Integer, String> idByGpu = new TreeMap<>();
    for (String id : available) {
      inv.gpuOf(id).ifPresent(g -> idByGpu.put(g, id));
    }
    long free = 0;
    long required = 0;
    for (var e : idByGpu.entrySet()) {
      free |= 1L << e.getKey();
      if (must.contains(e.getValue())) {
        required |= 1L << e.getKey();
      }
    }
    List<Integer> gpus = List.copyOf(idByGpu.keySet());
    if (gpus.size() < size || Long.bitCount(required) > size) {
      return new ArrayList<>(available.subList(0, Math.min(size, available.size())));
    }
    long best = gpus.size() <= EXHAUSTIVE_LIMIT
        ? exhaustive(inv, gpus, free, required, size)
        : greedy(inv, gpus, free, required, size);
    List<String> out = new ArrayList<>();
    for (int g : gpus) {
      if ((best & (1L << g)) != 0) {
        out.add(idByGpu.get(g));
      }
    }
    return out;
  }

  private static long exhaustive(Inventory inv, List<Integer> gpus, long free, long required, int size) {
    long[] best = {-1};
    SetValue[] bestValue = {null};
    search(inv, gpus, 0, 0L, size, free, required, best, bestValue);
    return best[0];
  }

  private static void search(Inventory inv, List<Integer> gpus, int from, long set, int left, long free, long required,
      long[] best, SetValue[] bestValue) {
    if (left == 0) {
      if ((set & required) == required) {
        SetValue v = SetValue.of(inv.topology(), set, free);
        if (bestValue[0] == null || v.betterThan(bestValue[0])) {
          bestValue[0] = v;
          best[0] = set;
        }
      }
      return;
    }
    for (int i = from; i <= gpus.size() - left; i++) {
      search(inv, gpus, i + 1, set | (1L << gpus.get(i)), left - 1, free, required, best, bestValue);
    }
  }

  /** Adds, from the required GPUs, the GPU whose addition gives the best partial set until full. */
  private static long greedy(Inventory inv, List<Integer> gpus, long free, long required, int size) {
    long set = required;
    while (Long.bitCount(set) < size) {
      long bestSet = 0;
      SetValue bestValue = null;
      for (int g : gpus) {
        if ((set & (1L << g)) == 0) {
          long s = set | (1L << g);
          SetValue v = SetValue.of(inv.topology(), s, free);
          if (bestValue == null || v.betterThan(bestValue)) {
            bestValue = v;
            bestSet = s;
          }
        }
      }
      set = bestSet;
    }
    return set;
  }

  private static List<String> units(Inventory inv, List<String> available, List<String> must, int size) {
    Map<String, List<String>> byGpu = new LinkedHashMap<>();
    available.stream()
        .sorted(Comparator.comparing((String id) -> inv.gpuOf(id).orElse(Integer.MAX_VALUE)).thenComparing(FallbackChoice::unitIndex))
        .forEach(id -> byGpu.computeIfAbsent(DeviceIds.physical(id), g -> new ArrayList<>()).add(id));
    String pinned = must.isEmpty() ? null : DeviceIds.physical(must.get(0));
    String fit = null;
    for (var e : byGpu.entrySet()) {
      boolean fits = e.getValue().size() >= size;
      if (pinned != null ? e.getKey().equals(pinned) : fits && (fit == null || e.getValue().size() < byGpu.get(fit).size())) {
        fit = e.getKey();
      }
    }
    String first = fit;
    List<String> order = new ArrayList<>(first == null ? List.of() : byGpu.get(first));
    byGpu.entrySet().stream().filter(e -> !e.getKey().equals(first))
        .sorted(Comparator.comparing((Map.Entry<String, List<String>> e) -> -e.getValue().size()))
        .forEach(e -> order.addAll(e.getValue()));
    List<String> out = new ArrayList<>(must);
    for (String id : order) {
      if (out.size() >= size) {
        break;
      }
      if (!out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  private static int unitIndex(String id) {
    int at = id.lastIndexOf(DeviceIds.UNIT_SEPARATOR);
    return at < 0 ? 0 : Integer.parseInt(id.substring(at + DeviceIds.UNIT_SEPARATOR.length()));
  }
}
