package io.topogpu.topology.annotation;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The JSON shape of {@code topogpu.io/topology} schema v1, field by field as docs/annotations.md
 * describes it. Plain carriers: {@code null} means "absent", and absent optional fields take the
 * model's default ({@code numa} -1, strings empty, {@code health} healthy, {@code mig} off). Property
 * order is fixed so equal topologies encode to equal bytes.
 */
final class Wire {
  private Wire() {}

  /** The whole value. {@code links} holds one row per GPU: space-separated cell tokens. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"v", "gpus", "links", "nics", "fabric"})
  record Topology(Integer v, List<Gpu> gpus, List<String> links, List<Nic> nics, Fabric fabric) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"index", "uuid", "model", "memMiB", "pci", "numa", "cpus", "health", "mig", "healthReason"})
  record Gpu(
      Integer index,
      String uuid,
      String model,
      Long memMiB,
      String pci,
      Integer numa,
      String cpus,
      String health,
      Mig mig,
      String healthReason) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  /** {@code unknown}: why the MIG state could not be read (then enabled, no slices or instances). */
  @JsonPropertyOrder({"enabled", "slices", "instances", "unknown"})
  record Mig(Boolean enabled, Integer slices, List<MigInstance> instances, String unknown) {}

  /** A MIG GPU instance as a fixed tuple; readers ignore elements after the sixth. */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"profile", "start", "size", "memMiB", "uuid", "giId"})
  record MigInstance(String profile, Integer start, Integer size, Long memMiB, String uuid, Integer giId) {}

  /** {@code links}: the NIC's PCIe class to each GPU in index order, space-separated. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"name", "device", "links"})
  record Nic(String name, String device, String links) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"clusterUuid", "cliqueId"})
  record Fabric(String clusterUuid, Long cliqueId) {}
}
