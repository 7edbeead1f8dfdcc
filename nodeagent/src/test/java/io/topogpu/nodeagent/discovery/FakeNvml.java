package io.topogpu.nodeagent.discovery;

import io.topogpu.nodeagent.nvml.Nvml;
import io.topogpu.nodeagent.nvml.NvmlException;
import io.topogpu.nodeagent.nvml.NvmlReturn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-written {@link Nvml} for discovery unit tests: GPUs, their NVLinks, PCIe levels and
 * affinities are declared with a fluent builder; everything not declared answers NOT_SUPPORTED, as
 * a GPU without the feature would.
 */
final class FakeNvml implements Nvml {
  record FakeLink(boolean active, int remoteType, String remoteBus) {}

  private final List<String> buses = new ArrayList<>();
  private final Map<Integer, List<FakeLink>> links = new HashMap<>();
  private final Map<String, Integer> pcie = new HashMap<>();
  private final Map<Integer, long[]> numa = new HashMap<>();
  private final Map<Integer, FabricInfo> fabric = new HashMap<>();
  private NvmlReturn initError;
  private boolean remoteTypeMissing;
  int inits;
  int closes;

  static FakeNvml withGpus(String... busIds) {
    FakeNvml f = new FakeNvml();
    f.buses.addAll(List.of(busIds));
    return f;
  }

  FakeNvml link(int gpu, boolean active, int remoteType, String remoteBus) {
    links.computeIfAbsent(gpu, g -> new ArrayList<>()).add(new FakeLink(active, remoteType, remoteBus));
    return this;
  }

  FakeNvml links(int gpu, int count, int remoteType, String remoteBus) {
    for (int k = 0; k < count; k++) {
      link(gpu, true, remoteType, remoteBus);
    }
    return this;
  }

  FakeNvml pcie(int a, int b, int level) {
    pcie.put(Math.min(a, b) + "-" + Math.max(a, b), level);
    return this;
  }

  FakeNvml numaNode(int gpu, int node) {
    numa.put(gpu, new long[] {1L << node, 0, 0, 0});
    return this;
  }

  FakeNvml fabric(int gpu, byte[] uuid, long clique, int state, NvmlReturn status) {
    fabric.put(gpu, new FabricInfo(uuid, status, clique, state));
    return this;
  }

  FakeNvml failingInit(NvmlReturn code) {
    initError = code;
    return this;
  }

  FakeNvml withoutRemoteDeviceType() {
    remoteTypeMissing = true;
    return this;
  }

  private static NvmlException absent(String f) {
    return new NvmlException(f, NvmlReturn.NOT_SUPPORTED);
  }

  @Override
  public void init() {
    if (initError != null) {
      throw new NvmlException("nvmlInit_v2", initError);
    }
    inits++;
  }

  @Override
  public void close() {
    closes++;
  }

  @Override
  public String driverVersion() {
    return "550.54.15";
  }

  @Override
  public int deviceCount() {
    return buses.size();
  }

  @Override
  public String name(int gpu) {
    return "NVIDIA H100 80GB HBM3";
  }

  @Override
  public String uuid(int gpu) {
    return "GPU-" + gpu;
  }

  @Override
  public PciInfo pciInfo(int gpu) {
    return new PciInfo(buses.get(gpu), 0x233010DE);
  }

  @Override
  public long memoryTotalBytes(int gpu) {
    return 81559L << 20;
  }

  @Override
  public int topologyCommonAncestor(int gpu1, int gpu2) {
    Integer level = pcie.get(Math.min(gpu1, gpu2) + "-" + Math.max(gpu1, gpu2));
    if (level == null) {
      throw absent("nvmlDeviceGetTopologyCommonAncestor");
    }
    return level;
  }

  @Override
  public int p2pStatus(int gpu1, int gpu2, int capsIndex) {
    throw absent("nvmlDeviceGetP2PStatus");
  }

  private FakeLink linkOf(int gpu, int link) {
    List<FakeLink> l = links.get(gpu);
    if (l == null) {
      throw absent("nvmlDeviceGetNvLinkState");
    }
    if (link >= l.size()) {
      throw new NvmlException("nvmlDeviceGetNvLinkState", NvmlReturn.INVALID_ARGUMENT);
    }
    return l.get(link);
  }

  @Override
  public boolean nvlinkActive(int gpu, int link) {
    return linkOf(gpu, link).active();
  }

  @Override
  public int nvlinkVersion(int gpu, int link) {
    return 6;
  }

  @Override
  public String nvlinkRemoteBusId(int gpu, int link) {
    return linkOf(gpu, link).remoteBus();
  }

  @Override
  public int nvlinkRemoteDeviceType(int gpu, int link) {
    if (remoteTypeMissing) {
      throw new NvmlException("nvmlDeviceGetNvLinkRemoteDeviceType", NvmlReturn.FUNCTION_NOT_FOUND);
    }
    return linkOf(gpu, link).remoteType();
  }

  @Override
  public int gpuNumaNodeId(int gpu) {
    throw absent("nvmlDeviceGetNumaNodeId");
  }

  @Override
  public long[] memoryAffinity(int gpu, int words) {
    long[] mask = numa.get(gpu);
    if (mask == null) {
      throw absent("nvmlDeviceGetMemoryAffinity");
    }
    return mask;
  }

  @Override
  public long[] cpuAffinity(int gpu, int words) {
    throw absent("nvmlDeviceGetCpuAffinity");
  }

  @Override
  public boolean migEnabled(int gpu) {
    throw absent("nvmlDeviceGetMigMode");
  }

  @Override
  public GpuInstanceProfile gpuInstanceProfile(int gpu, int selector) {
    throw absent("nvmlDeviceGetGpuInstanceProfileInfo");
  }

  @Override
  public List<Placement> possiblePlacements(int gpu, int profileId) {
    throw absent("nvmlDeviceGetGpuInstancePossiblePlacements_v2");
  }

  @Override
  public List<GpuInstance> gpuInstances(int gpu, int profileId, int capacity) {
    throw absent("nvmlDeviceGetGpuInstances");
  }

  @Override
  public int maxMigDeviceCount(int gpu) {
    return 0;
  }

  @Override
  public MigDevice migDevice(int gpu, int index) {
    throw absent("nvmlDeviceGetMigDeviceHandleByIndex");
  }

  @Override
  public FabricInfo fabricInfo(int gpu) {
    FabricInfo f = fabric.get(gpu);
    if (f == null) {
      throw absent("nvmlDeviceGetGpuFabricInfoV");
    }
    return f;
  }

  @Override
  public EventSet eventSetCreate() {
    throw absent("nvmlEventSetCreate");
  }

  @Override
  public void registerEvents(int gpu, long types, EventSet set) {
    throw absent("nvmlDeviceRegisterEvents");
  }

  @Override
  public java.util.Optional<Event> eventWait(EventSet set, int timeoutMs) {
    throw absent("nvmlEventSetWait_v2");
  }

  @Override
  public void eventSetFree(EventSet set) {
    throw absent("nvmlEventSetFree");
  }
}
