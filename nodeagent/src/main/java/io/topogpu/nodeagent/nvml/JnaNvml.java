package io.topogpu.nodeagent.nvml;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Nvml} over {@code libnvidia-ml.so.1} through JNA. Only versioned entry points are bound
 * ({@code nvmlInit_v2}, {@code nvmlDeviceGetPciInfo_v3}, ...); where a newer one has an older
 * fallback, the newer is tried first and the older used when the driver does not export it:
 * <ul>
 *   <li>{@code nvmlDeviceGetMemoryInfo_v2} → {@code nvmlDeviceGetMemoryInfo}
 *   <li>{@code nvmlDeviceGetGpuInstanceProfileInfoV} (v2) → {@code nvmlDeviceGetGpuInstanceProfileInfo}
 *   <li>{@code nvmlDeviceGetGpuFabricInfoV} (v3) → {@code nvmlDeviceGetGpuFabricInfo}
 *   <li>{@code nvmlEventSetWait_v2} → {@code nvmlEventSetWait}
 * </ul>
 * A symbol missing with no fallback surfaces as {@link NvmlReturn#FUNCTION_NOT_FOUND}; a library
 * that cannot be loaded as {@link NvmlReturn#LIBRARY_NOT_FOUND} from {@link #init()}.
 */
public final class JnaNvml implements Nvml {
  /** The versioned soname the driver installs (the unversioned {@code .so} comes only with dev packages). */
  public static final String DEFAULT_LIBRARY = "libnvidia-ml.so.1";

  private static final int NAME_BUFFER = 96;
  private static final int VERSION_BUFFER = 80;

  private final String library;
  private NativeLibrary lib;
  private final Map<Integer, Pointer> devices = new HashMap<>();

  /**
   * @param library a soname for {@code dlopen} ({@link #DEFAULT_LIBRARY} normally) or a file path;
   *     a relative path is taken from the working directory
   */
  public JnaNvml(String library) {
    this.library = library.contains("/") ? Path.of(library).toAbsolutePath().toString() : library;
  }

  @Override
  public void init() {
    try {
      lib = NativeLibrary.getInstance(library);
    } catch (UnsatisfiedLinkError e) {
      throw new NvmlException("dlopen(" + library + ")", NvmlReturn.LIBRARY_NOT_FOUND, e);
    }
    devices.clear();
    check("nvmlInit_v2");
  }

  @Override
  public void close() {
    if (lib != null) {
      Function f = function("nvmlShutdown");
      if (f != null) {
        f.invokeInt(new Object[0]);
      }
      devices.clear();
    }
  }

  @Override
  public String driverVersion() {
    byte[] buf = new byte[VERSION_BUFFER];
    check("nvmlSystemGetDriverVersion", buf, buf.length);
    return NvmlStructs.cString(buf);
  }

  @Override
  public int deviceCount() {
    IntByReference count = new IntByReference();
    check("nvmlDeviceGetCount_v2", count);
    return count.getValue();
  }

  private Pointer device(int gpu) {
    Pointer p = devices.get(gpu);
    if (p == null) {
      PointerByReference ref = new PointerByReference();
      check("nvmlDeviceGetHandleByIndex_v2", gpu, ref);
      p = ref.getValue();
      devices.put(gpu, p);
    }
    return p;
  }

  @Override
  public String name(int gpu) {
    byte[] buf = new byte[NAME_BUFFER];
    check("nvmlDeviceGetName", device(gpu), buf, buf.length);
    return NvmlStructs.cString(buf);
  }

  @Override
  public String uuid(int gpu) {
    return uuidOf(device(gpu));
  }

  private String uuidOf(Pointer handle) {
    byte[] buf = new byte[NAME_BUFFER];
    check("nvmlDeviceGetUUID", handle, buf, buf.length);
    return NvmlStructs.cString(buf);
  }

  @Override
  public PciInfo pciInfo(int gpu) {
    NvmlStructs.PciInfo info = new NvmlStructs.PciInfo();
    check("nvmlDeviceGetPciInfo_v3", device(gpu), info);
    return new PciInfo(NvmlStructs.cString(info.busId), info.pciDeviceId);
  }

  @Override
  public long memoryTotalBytes(int gpu) {
    return memoryOf(device(gpu));
  }

  private long memoryOf(Pointer handle) {
    if (function("nvmlDeviceGetMemoryInfo_v2") != null) {
      NvmlStructs.MemoryV2 m = new NvmlStructs.MemoryV2();
      check("nvmlDeviceGetMemoryInfo_v2", handle, m);
      return m.total;
    }
    NvmlStructs.Memory m = new NvmlStructs.Memory();
    check("nvmlDeviceGetMemoryInfo", handle, m);
    return m.total;
  }

  @Override
  public int topologyCommonAncestor(int gpu1, int gpu2) {
    IntByReference level = new IntByReference();
    check("nvmlDeviceGetTopologyCommonAncestor", device(gpu1), device(gpu2), level);
    return level.getValue();
  }

  @Override
  public int p2pStatus(int gpu1, int gpu2, int capsIndex) {
    IntByReference status = new IntByReference();
    check("nvmlDeviceGetP2PStatus", device(gpu1), device(gpu2), capsIndex, status);
    return status.getValue();
  }

  @Override
  public boolean nvlinkActive(int gpu, int link) {
    IntByReference state = new IntByReference();
    check("nvmlDeviceGetNvLinkState", device(gpu), link, state);
    return state.getValue() == 1;
  }

  @Override
  public int nvlinkVersion(int gpu, int link) {
    IntByReference version = new IntByReference();
    check("nvmlDeviceGetNvLinkVersion", device(gpu), link, version);
    return version.getValue();
  }

  @Override
  public String nvlinkRemoteBusId(int gpu, int link) {
    NvmlStructs.PciInfo info = new NvmlStructs.PciInfo();
    check("nvmlDeviceGetNvLinkRemotePciInfo_v2", device(gpu), link, info);
    return NvmlStructs.cString(info.busId);
  }

  @Override
  public int nvlinkRemoteDeviceType(int gpu, int link) {
    IntByReference type = new IntByReference();
    check("nvmlDeviceGetNvLinkRemoteDeviceType", device(gpu), link, type);
    return type.getValue();
  }

  @Override
  public int gpuNumaNodeId(int gpu) {
    IntByReference node = new IntByReference();
    check("nvmlDeviceGetNumaNodeId", device(gpu), node);
    return node.getValue();
  }

  @Override
  public long[] memoryAffinity(int gpu, int words) {
    long[] mask = new long[words];
    check("nvmlDeviceGetMemoryAffinity", device(gpu), words, mask, 0);
    return mask;
  }

  @Override
  public long[] cpuAffinity(int gpu, int words) {
    long[] mask = new long[words];
    check("nvmlDeviceGetCpuAffinity", device(gpu), words, mask);
    return mask;
  }

  @Override
  public boolean migEnabled(int gpu) {
    IntByReference current = new IntByReference();
    IntByReference pending = new IntByReference();
    check("nvmlDeviceGetMigMode", device(gpu), current, pending);
    return current.getValue() == 1;
  }

  @Override
  public GpuInstanceProfile gpuInstanceProfile(int gpu, int selector) {
    if (function("nvmlDeviceGetGpuInstanceProfileInfoV") != null) {
      NvmlStructs.ProfileInfoV2 p = new NvmlStructs.ProfileInfoV2();
      check("nvmlDeviceGetGpuInstanceProfileInfoV", device(gpu), selector, p);
      return new GpuInstanceProfile(p.id, p.sliceCount, p.instanceCount, p.memorySizeMB);
    }
    NvmlStructs.ProfileInfo p = new NvmlStructs.ProfileInfo();
    check("nvmlDeviceGetGpuInstanceProfileInfo", device(gpu), selector, p);
    return new GpuInstanceProfile(p.id, p.sliceCount, p.instanceCount, p.memorySizeMB);
  }

  @Override
  public List<Placement> possiblePlacements(int gpu, int profileId) {
    IntByReference count = new IntByReference();
    check("nvmlDeviceGetGpuInstancePossiblePlacements_v2", device(gpu), profileId, Pointer.NULL, count);
    List<Placement> out = new ArrayList<>();
    if (count.getValue() == 0) {
      return out;
    }
    NvmlStructs.Placement[] array = (NvmlStructs.Placement[]) new NvmlStructs.Placement().toArray(count.getValue());
    check("nvmlDeviceGetGpuInstancePossiblePlacements_v2", device(gpu), profileId, array[0].getPointer(), count);
    for (int k = 0; k < count.getValue(); k++) {
      array[k].read();
      out.add(new Placement(array[k].start, array[k].size));
    }
    return out;
  }

  @Override
  public List<GpuInstance> gpuInstances(int gpu, int profileId, int capacity) {
    Memory handles = new Memory((long) Native.POINTER_SIZE * Math.max(1, capacity));
    IntByReference count = new IntByReference(capacity);
    check("nvmlDeviceGetGpuInstances", device(gpu), profileId, handles, count);
    List<GpuInstance> out = new ArrayList<>();
    for (int k = 0; k < count.getValue(); k++) {
      NvmlStructs.GpuInstanceInfo info = new NvmlStructs.GpuInstanceInfo();
      check("nvmlGpuInstanceGetInfo", handles.getPointer((long) k * Native.POINTER_SIZE), info);
      out.add(new GpuInstance(info.id, info.profileId, new Placement(info.start, info.size)));
    }
    return out;
  }

  @Override
  public int maxMigDeviceCount(int gpu) {
    IntByReference count = new IntByReference();
    check("nvmlDeviceGetMaxMigDeviceCount", device(gpu), count);
    return count.getValue();
  }

  @Override
  public MigDevice migDevice(int gpu, int index) {
    PointerByReference ref = new PointerByReference();
    check("nvmlDeviceGetMigDeviceHandleByIndex", device(gpu), index, ref);
    Pointer mig = ref.getValue();
    IntByReference gi = new IntByReference();
    check("nvmlDeviceGetGpuInstanceId", mig, gi);
    return new MigDevice(uuidOf(mig), memoryOf(mig), gi.getValue());
  }

  @Override
  public FabricInfo fabricInfo(int gpu) {
    if (function("nvmlDeviceGetGpuFabricInfoV") != null) {
      NvmlStructs.FabricInfoV3 f = new NvmlStructs.FabricInfoV3();
      check("nvmlDeviceGetGpuFabricInfoV", device(gpu), f);
      return new FabricInfo(f.clusterUuid.clone(), NvmlReturn.of(f.status), Integer.toUnsignedLong(f.cliqueId), f.state);
    }
    NvmlStructs.FabricInfo f = new NvmlStructs.FabricInfo();
    check("nvmlDeviceGetGpuFabricInfo", device(gpu), f);
    return new FabricInfo(f.clusterUuid.clone(), NvmlReturn.of(f.status), Integer.toUnsignedLong(f.cliqueId), f.state);
  }

  private record JnaEventSet(Pointer handle) implements EventSet {}

  @Override
  public EventSet eventSetCreate() {
    PointerByReference ref = new PointerByReference();
    check("nvmlEventSetCreate", ref);
    return new JnaEventSet(ref.getValue());
  }

  @Override
  public void registerEvents(int gpu, long types, EventSet set) {
    check("nvmlDeviceRegisterEvents", device(gpu), types, handle(set));
  }

  @Override
  public Optional<Event> eventWait(EventSet set, int timeoutMs) {
    String name = function("nvmlEventSetWait_v2") != null ? "nvmlEventSetWait_v2" : "nvmlEventSetWait";
    NvmlStructs.EventData data = new NvmlStructs.EventData();
    try {
      check(name, handle(set), data, timeoutMs);
    } catch (NvmlException e) {
      if (e.code() == NvmlReturn.TIMEOUT) {
        return Optional.empty();
      }
      throw e;
    }
    int gpu = -1;
    for (Map.Entry<Integer, Pointer> d : devices.entrySet()) {
      if (d.getValue().equals(data.device)) {
        gpu = d.getKey();
      }
    }
    return Optional.of(new Event(gpu, data.eventType, data.eventData, data.gpuInstanceId)); // 0xFFFFFFFF reads -1
  }

  @Override
  public void eventSetFree(EventSet set) {
    check("nvmlEventSetFree", handle(set));
  }

  private static Pointer handle(EventSet set) {
    if (!(set instanceof JnaEventSet j)) {
      throw new IllegalArgumentException("not an event set of this binding: " + set);
    }
    return j.handle();
  }

  /** The entry point, or null when this driver does not export it. */
  private Function function(String name) {
    try {
      return lib.getFunction(name);
    } catch (UnsatisfiedLinkError e) {
      return null;
    }
  }

  private void check(String name, Object... args) {
    if (lib == null) {
      throw new NvmlException(name, NvmlReturn.UNINITIALIZED);
    }
    Function f = function(name);
    if (f == null) {
      throw new NvmlException(name, NvmlReturn.FUNCTION_NOT_FOUND);
    }
    int rc = f.invokeInt(args);
    if (rc != 0) {
      throw new NvmlException(name, NvmlReturn.of(rc));
    }
  }
}
