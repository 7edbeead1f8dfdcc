package io.topogpu.nodeagent.discovery;

import io.topogpu.nodeagent.nvml.Nvml;
import io.topogpu.nodeagent.nvml.NvmlReturn;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The active NVLinks of every GPU, sorted by where they lead: straight to a peer GPU, or into a
 * switch fabric.
 *
 * <p>Per link {@code l < }{@value #MAX_LINKS} (NVML 13's bound; a GPU answers NOT_SUPPORTED or
 * INVALID_ARGUMENT for links it does not have): skipped unless active; a link whose remote device
 * type is GPU, or whose remote bus id is one of this node's GPUs when the type is unknown (old
 * drivers lack {@code nvmlDeviceGetNvLinkRemoteDeviceType}), is direct to that GPU. Any other
 * active link goes to a switch, keyed by the switch's bus id; an empty key stands for a switch
 * NVML cannot identify (VMs hide NVSwitches, NCCL's rule: NVLink to an unidentified remote is an
 * invisible NVSwitch).
 *
 * <p>Pair rule: {@code direct(i,j) > 0} → {@code NV<min(direct(i,j), direct(j,i))>}; else both
 * GPUs have switch links and share a switch key → {@code NV<min(switched(i), switched(j))>}
 * through NVSwitch; else no NVLink. So GPUs on one switch fabric form one NVLink domain, and a GPU
 * whose links are down drops out of it.
 */
final class NvlinkScan {
  static final int MAX_LINKS = 36;
  private static final int REMOTE_GPU = 0;

  private final int[][] direct;
  private final int[] switched;
  private final List<Set<String>> switchKeys;

  private NvlinkScan(int[][] direct, int[] switched, List<Set<String>> switchKeys) {
    this.direct = direct;
    this.switched = switched;
    this.switchKeys = switchKeys;
  }

  static NvlinkScan scan(Nvml nvml, List<String> busIds) {
    return scan(nvml, busIds, Set.of());
  }

  /** As {@link #scan(Nvml, List)}, not asking about the GPUs in {@code skip} (lost: no links). */
  static NvlinkScan scan(Nvml nvml, List<String> busIds, Set<Integer> skip) {
    int n = busIds.size();
    Map<String, Integer> gpuByBus = new HashMap<>();
    for (int g = 0; g < n; g++) {
      gpuByBus.put(normalise(busIds.get(g)), g);
    }
    int[][] direct = new int[n][n];
    int[] switched = new int[n];
    List<Set<String>> keys = new java.util.ArrayList<>();
    for (int g = 0; g < n; g++) {
      Set<String> mine = new HashSet<>();
      keys.add(mine);
      for (int l = 0; l < MAX_LINKS && !skip.contains(g); l++) {
        int gpu = g;
        int link = l;
        Optional<Boolean> active = Absent.unlessAbsent(() -> nvml.nvlinkActive(gpu, link), NvmlReturn.INVALID_ARGUMENT);
        if (active.isEmpty() && l == 0) {
          break; // no NVLink on this GPU at all
        }
        if (!active.orElse(false)) {
          continue;
        }
        int type = Absent.unlessAbsent(() -> nvml.nvlinkRemoteDeviceType(gpu, link)).orElse(-1);
        String remote = normalise(Absent.unlessAbsent(() -> nvml.nvlinkRemoteBusId(gpu, link)).orElse(""));
        Integer peer = gpuByBus.get(remote);
        if (peer != null && peer != g && (type == REMOTE_GPU || type == -1)) {
          direct[g][peer]++;
        } else {
          switched[g]++;
          mine.add(remote);
        }
      }
    }
    return new NvlinkScan(direct, switched, keys);
  }

  /** NVLinks between two GPUs, and whether they run through a switch; count 0 when none. */
  int links(int i, int j) {
    int d = Math.min(direct[i][j], direct[j][i]);
    if (d > 0) {
      return d;
    }
    return throughSwitch(i, j) ? Math.min(switched[i], switched[j]) : 0;
  }

  int gpuCount() {
    return switched.length;
  }

  /** Active NVLinks of GPU {@code g}, to peers and to switches. */
  int active(int g) {
    int n = switched[g];
    for (int d : direct[g]) {
      n += d;
    }
    return n;
  }

  boolean throughSwitch(int i, int j) {
    if (Math.min(direct[i][j], direct[j][i]) > 0 || switched[i] == 0 || switched[j] == 0) {
      return false;
    }
    for (String key : switchKeys.get(i)) {
      if (switchKeys.get(j).contains(key)) {
        return true;
      }
    }
    return false;
  }

  /** Bus ids compare case-insensitively and with or without NVML's 8-digit domain. */
  static String normalise(String busId) {
    String b = busId.trim().toLowerCase(Locale.ROOT);
    return b.length() == 16 && b.startsWith("0000") ? b.substring(4) : b;
  }
}
