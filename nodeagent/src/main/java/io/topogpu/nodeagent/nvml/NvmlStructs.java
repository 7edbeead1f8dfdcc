package io.topogpu.nodeagent.nvml;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import java.nio.charset.StandardCharsets;

/**
 * JNA mirrors of the NVML structs the binding passes, fields in header order (x86_64/aarch64 LP64
 * layouts; JNA's default alignment reproduces gcc's). Versioned structs carry {@code version =
 * sizeof(struct) | (ver << 24)}, which the constructors set.
 */
final class NvmlStructs {
  private NvmlStructs() {}

  static String cString(byte[] bytes) {
    int n = 0;
    while (n < bytes.length && bytes[n] != 0) {
      n++;
    }
    return new String(bytes, 0, n, StandardCharsets.US_ASCII);
  }

  /** {@code nvmlPciInfo_t}, sizeof 68. */
  @FieldOrder({"busIdLegacy", "domain", "bus", "device", "pciDeviceId", "pciSubSystemId", "busId"})
  public static class PciInfo extends Structure {
    public byte[] busIdLegacy = new byte[16];
    public int domain;
    public int bus;
    public int device;
    public int pciDeviceId;
    public int pciSubSystemId;
    public byte[] busId = new byte[32];
  }

  /** {@code nvmlMemory_t}, sizeof 24. */
  @FieldOrder({"total", "free", "used"})
  public static class Memory extends Structure {
    public long total;
    public long free;
    public long used;
  }

  /** {@code nvmlMemory_v2_t}, sizeof 40, version 2. */
  @FieldOrder({"version", "total", "reserved", "free", "used"})
  public static class MemoryV2 extends Structure {
    public int version;
    public long total;
    public long reserved;
    public long free;
    public long used;

    MemoryV2() {
      version = size() | (2 << 24);
    }
  }

  /** {@code nvmlGpuInstanceProfileInfo_t} (v1), sizeof 48. */
  @FieldOrder({"id", "isP2pSupported", "sliceCount", "instanceCount", "multiprocessorCount", "copyEngineCount",
      "decoderCount", "encoderCount", "jpegCount", "ofaCount", "memorySizeMB"})
  public static class ProfileInfo extends Structure {
    public int id;
    public int isP2pSupported;
    public int sliceCount;
    public int instanceCount;
    public int multiprocessorCount;
    public int copyEngineCount;
    public int decoderCount;
    public int encoderCount;
    public int jpegCount;
    public int ofaCount;
    public long memorySizeMB;
  }

  /** {@code nvmlGpuInstanceProfileInfo_v2_t}, sizeof 152, version 2. */
  @FieldOrder({"version", "id", "isP2pSupported", "sliceCount", "instanceCount", "multiprocessorCount",
      "copyEngineCount", "decoderCount", "encoderCount", "jpegCount", "ofaCount", "memorySizeMB", "name"})
  public static class ProfileInfoV2 extends Structure {
    public int version;
    public int id;
    public int isP2pSupported;
    public int sliceCount;
    public int instanceCount;
    public int multiprocessorCount;
    public int copyEngineCount;
    public int decoderCount;
    public int encoderCount;
    public int jpegCount;
    public int ofaCount;
    public long memorySizeMB;
    public byte[] name = new byte[96];

    ProfileInfoV2() {
      version = size() | (2 << 24);
    }
  }

  /** {@code nvmlGpuInstancePlacement_t}, sizeof 8. */
  @FieldOrder({"start", "size"})
  public static class Placement extends Structure {
    public int start;
    public int size;
  }

  /** {@code nvmlGpuInstanceInfo_t}, sizeof 24. */
  @FieldOrder({"device", "id", "profileId", "start", "size"})
  public static class GpuInstanceInfo extends Structure {
    public Pointer device;
    public int id;
    public int profileId;
    public int start;
    public int size;
  }

  /** {@code nvmlGpuFabricInfo_t} (v1, deprecated in NVML 13), sizeof 28. */
  @FieldOrder({"clusterUuid", "status", "cliqueId", "state"})
  public static class FabricInfo extends Structure {
    public byte[] clusterUuid = new byte[16];
    public int status;
    public int cliqueId;
    public byte state;
  }

  /** {@code nvmlGpuFabricInfo_v3_t} ({@code nvmlGpuFabricInfoV_t}), sizeof 40, version 3. */
  @FieldOrder({"version", "clusterUuid", "status", "cliqueId", "state", "healthMask", "healthSummary"})
  public static class FabricInfoV3 extends Structure {
    public int version;
    public byte[] clusterUuid = new byte[16];
    public int status;
    public int cliqueId;
    public byte state;
    public int healthMask;
    public byte healthSummary;

    FabricInfoV3() {
      version = size() | (3 << 24);
    }
  }

  /**
   * {@code nvmlEventData_t}, sizeof 32: the device handle, {@code eventType} (one {@code
   * nvmlEventType*} bit), {@code eventData} (the XID for {@code nvmlEventTypeXidCriticalError}) and
   * the GPU / compute instance the event is attributed to under MIG ({@code 0xFFFFFFFF} when none).
   */
  @FieldOrder({"device", "eventType", "eventData", "gpuInstanceId", "computeInstanceId"})
  public static class EventData extends Structure {
    public Pointer device;
    public long eventType;
    public long eventData;
    public int gpuInstanceId;
    public int computeInstanceId;
  }
}
