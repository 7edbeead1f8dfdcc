package io.topogpu.nodeagent.plugin;

/**
 * One device as the plugin advertises it.
 *
 * @param id the kubelet-facing ID ({@link DeviceIds})
 * @param gpu NVML index of the physical GPU (the parent GPU of a MIG device)
 * @param numa NUMA node of that GPU, -1 when unknown (then no topology hint is sent)
 * @param healthy false when the GPU is lost, had a critical XID or lost NVLinks
 */
public record PluginDevice(String id, int gpu, int numa, boolean healthy) {}
