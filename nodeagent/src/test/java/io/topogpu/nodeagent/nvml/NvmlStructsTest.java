package io.topogpu.nodeagent.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Structure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Struct sizes and the offsets that padding decides, against the values measured with gcc on
 * x86_64 from nvml.h (NVML API 13), as recorded in the project's NVML reference notes.
 */
class NvmlStructsTest {

  private static Structure of(String name) {
    return switch (name) {
      case "nvmlPciInfo_t" -> new NvmlStructs.PciInfo();
      case "nvmlMemory_t" -> new NvmlStructs.Memory();
      case "nvmlMemory_v2_t" -> new NvmlStructs.MemoryV2();
      case "nvmlGpuInstanceProfileInfo_t" -> new NvmlStructs.ProfileInfo();
      case "nvmlGpuInstanceProfileInfo_v2_t" -> new NvmlStructs.ProfileInfoV2();
      case "nvmlGpuInstancePlacement_t" -> new NvmlStructs.Placement();
      case "nvmlGpuInstanceInfo_t" -> new NvmlStructs.GpuInstanceInfo();
      case "nvmlGpuFabricInfo_t" -> new NvmlStructs.FabricInfo();
      case "nvmlGpuFabricInfo_v3_t" -> new NvmlStructs.FabricInfoV3();
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest(name = "{0}: sizeof {1}, {2} at {3}")
  @CsvSource({
      "nvmlPciInfo_t, 68, busId, 36",
      "nvmlMemory_t, 24, used, 16",
      "nvmlMemory_v2_t, 40, total, 8",
      "nvmlGpuInstanceProfileInfo_t, 48, memorySizeMB, 40",
      "nvmlGpuInstanceProfileInfo_v2_t, 152, memorySizeMB, 48",
      "nvmlGpuInstancePlacement_t, 8, size, 4",
      "nvmlGpuInstanceInfo_t, 24, start, 16",
      "nvmlGpuFabricInfo_t, 28, state, 24",
      "nvmlGpuFabricInfo_v3_t, 40, healthSummary, 36",
  })
  void layoutMatchesNvmlH(String struct, int size, String field, int offset) throws NoSuchFieldException {
    Structure s = of(struct);
    assertThat(s.size()).isEqualTo(size);
    // write a marker through the field and find it at the C offset
    Class<?> type = s.getClass().getField(field).getType();
    if (type == long.class) {
      s.writeField(field, 0x1122334455667788L);
      assertThat(s.getPointer().getLong(offset)).isEqualTo(0x1122334455667788L);
    } else if (type == int.class) {
      s.writeField(field, 0x12345678);
      assertThat(s.getPointer().getInt(offset)).isEqualTo(0x12345678);
    } else if (type == byte.class) {
      s.writeField(field, (byte) 0x5A);
      assertThat(s.getPointer().getByte(offset)).isEqualTo((byte) 0x5A);
    } else {
      byte[] marker = new byte[((byte[]) s.readField(field)).length];
      marker[0] = 0x5A;
      s.writeField(field, marker);
      assertThat(s.getPointer().getByte(offset)).isEqualTo((byte) 0x5A);
    }
  }

  @ParameterizedTest(name = "{0}: version word {1}")
  @CsvSource({
      "nvmlMemory_v2_t, 0x02000028",
      "nvmlGpuInstanceProfileInfo_v2_t, 0x02000098",
      "nvmlGpuFabricInfo_v3_t, 0x03000028",
  })
  void versionWordIsSizeOrVersionShifted(String struct, String expected) {
    Structure s = of(struct);
    s.write();
    assertThat(s.getPointer().getInt(0)).isEqualTo(Integer.decode(expected));
  }
}
