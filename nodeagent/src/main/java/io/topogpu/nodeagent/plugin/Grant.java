package io.topogpu.nodeagent.plugin;

import java.util.List;
import java.util.Map;

/**
 * What one container is given at Allocate: environment and CDI device names. Plain data; the gRPC
 * adapter copies it into a {@code ContainerAllocateResponse}.
 */
public record Grant(Map<String, String> envs, List<String> cdiDevices) {
  public Grant {
    envs = Map.copyOf(envs);
    cdiDevices = List.copyOf(cdiDevices);
  }
}
