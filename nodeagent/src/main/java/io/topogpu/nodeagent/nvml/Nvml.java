package io.topogpu.nodeagent.nvml;

import java.util.List;
import java.util.Optional;

/**
 * The one seam between topogpu and NVML: every NVML call the node agent makes, in plain Java
 * types. {@link JnaNvml} implements it over {@code libnvidia-ml.so.1}; discovery is written and
 * unit-tested against this interface alone.
 *
 * <p>Contract: GPUs are addressed by NVML index {@code 0..deviceCount()-1}; MIG devices by their
 * parent's index and the MIG device index {@code 0..maxMigDeviceCount-1}. Every method except
 * {@link #close()} throws {@link NvmlException} with the NVML return code when the call fails;
 * {@link NvmlReturn#NOT_SUPPORTED} means the feature is absent, and {@link
 * NvmlReturn#FUNCTION_NOT_FOUND} that the driver does not export the entry point (and none of its
 * older fallbacks). Implementations are used from one thread at a time.
 */
public interface Nvml extends AutoCloseable {

  /** {@code nvmlPciInfo_t}: the {@code 00000000:07:00.0} bus id and {@code (device << 16) | vendor}. */
  record PciInfo(String busId, int pciDeviceId) {}

  /** {@code nvmlGpuInstanceProfileInfo_t}: what a GPU-instance profile selector stands for. */
  record GpuInstanceProfile(int id, int sliceCount, int instanceCount, long memorySizeMiB) {}

  /** {@code nvmlGpuInstancePlacement_t}: memory slices {@code [start, start + size)}. */
  record Placement(int start, int size) {}

  /** {@code nvmlGpuInstanceInfo_t} of an existing GPU instance. */
  record GpuInstance(int id, int profileId, Placement placement) {}

  /** A MIG device (one compute instance of a GPU instance) as its own handle reports it. */
  record MigDevice(String uuid, long memoryBytes, int gpuInstanceId) {}

  /**
   * {@code nvmlGpuFabricInfo(V)_t}: multi-node NVLink membership. {@code clusterUuid} has 16 bytes;
   * {@code status} matters only when {@code state} is {@link #STATE_COMPLETED}.
   */
  record FabricInfo(byte[] clusterUuid, NvmlReturn status, long cliqueId, int state) {
    public static final int STATE_COMPLETED = 3;
  }

  /** {@code nvmlEventTypeXidCriticalError}: the event bit of XID errors. */
  long EVENT_XID_CRITICAL = 0x8L;

  /** An {@code nvmlEventSet_t}, opaque; valid on the {@link Nvml} that created it until freed. */
  interface EventSet {}

  /**
   * {@code nvmlEventData_t}.
   *
   * @param gpu NVML index of the GPU the event is on; -1 when the handle is none this binding gave out
   * @param data the XID for {@link #EVENT_XID_CRITICAL}
   * @param gpuInstanceId the MIG GPU instance it is attributed to, -1 when none
   */
  record Event(int gpu, long type, long data, int gpuInstanceId) {}

  /** {@code nvmlInit_v2}; must succeed before any other call. */
  void init();

  /** {@code nvmlShutdown}, once per successful {@link #init()}; never throws. */
  @Override
  void close();

  String driverVersion();

  int deviceCount();

  String name(int gpu);

  String uuid(int gpu);

  PciInfo pciInfo(int gpu);

  /** Total framebuffer memory in bytes. */
  long memoryTotalBytes(int gpu);

  /** {@code nvmlGpuTopologyLevel_t} of the PCIe path between two GPUs (10 PIX ... 50 SYS). */
  int topologyCommonAncestor(int gpu1, int gpu2);

  /** {@code nvmlGpuP2PStatus_t} for a {@code nvmlGpuP2PCapsIndex_t}. */
  int p2pStatus(int gpu1, int gpu2, int capsIndex);

  boolean nvlinkActive(int gpu, int link);

  /** {@code nvmlNvlinkVersion_t} enum value (4 = NVLink 3.0 ... 7 = 5.0), not a major number. */
  int nvlinkVersion(int gpu, int link);

  /** PCI bus id of the device at the far end of a link: a GPU, or an NVSwitch. */
  String nvlinkRemoteBusId(int gpu, int link);

  /** {@code nvmlIntNvLinkDeviceType_t}: 0 GPU, 1 IBM NPU, 2 switch, 255 unknown. */
  int nvlinkRemoteDeviceType(int gpu, int link);

  /** The NUMA node of the GPU's own memory (Grace platforms only). */
  int gpuNumaNodeId(int gpu);

  /** Bitmask of the NUMA nodes close to the GPU, {@code words} 64-bit words. */
  long[] memoryAffinity(int gpu, int words);

  /** Bitmask of the CPUs close to the GPU, {@code words} 64-bit words. */
  long[] cpuAffinity(int gpu, int words);

  /** Current MIG mode; {@link NvmlReturn#NOT_SUPPORTED} when the GPU is not MIG-capable. */
  boolean migEnabled(int gpu);

  /** The profile behind a selector {@code 0 .. 0x11}; INVALID_ARGUMENT past the last one. */
  GpuInstanceProfile gpuInstanceProfile(int gpu, int selector);

  List<Placement> possiblePlacements(int gpu, int profileId);

  /** The existing GPU instances of one profile; {@code capacity} = the profile's instance count. */
  List<GpuInstance> gpuInstances(int gpu, int profileId, int capacity);

  int maxMigDeviceCount(int gpu);

  /** A MIG device slot; {@link NvmlReturn#NOT_FOUND} for an empty slot. */
  MigDevice migDevice(int gpu, int index);

  FabricInfo fabricInfo(int gpu);

  /** {@code nvmlEventSetCreate}. */
  EventSet eventSetCreate();

  /** {@code nvmlDeviceRegisterEvents}: {@code types} is a mask of {@code nvmlEventType*} bits. */
  void registerEvents(int gpu, long types, EventSet set);

  /**
   * {@code nvmlEventSetWait_v2} (→ {@code nvmlEventSetWait}): the next event, or empty when none
   * came within {@code timeoutMs} ({@code NVML_ERROR_TIMEOUT}).
   */
  Optional<Event> eventWait(EventSet set, int timeoutMs);

  /** {@code nvmlEventSetFree}. */
  void eventSetFree(EventSet set);
}
