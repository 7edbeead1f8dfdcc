package io.topogpu.nodeagent.plugin.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.topogpu.nodeagent.kubelet.deviceplugin.AllocateRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.AllocateResponse;
import io.topogpu.nodeagent.kubelet.deviceplugin.CDIDevice;
import io.topogpu.nodeagent.kubelet.deviceplugin.ContainerAllocateRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.ContainerAllocateResponse;
import io.topogpu.nodeagent.kubelet.deviceplugin.ContainerPreferredAllocationRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.ContainerPreferredAllocationResponse;
import io.topogpu.nodeagent.kubelet.deviceplugin.Device;
import io.topogpu.nodeagent.kubelet.deviceplugin.DevicePluginGrpc;
import io.topogpu.nodeagent.kubelet.deviceplugin.DevicePluginOptions;
import io.topogpu.nodeagent.kubelet.deviceplugin.Empty;
import io.topogpu.nodeagent.kubelet.deviceplugin.ListAndWatchResponse;
import io.topogpu.nodeagent.kubelet.deviceplugin.NUMANode;
import io.topogpu.nodeagent.kubelet.deviceplugin.PreStartContainerRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.PreStartContainerResponse;
import io.topogpu.nodeagent.kubelet.deviceplugin.PreferredAllocationRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.PreferredAllocationResponse;
import io.topogpu.nodeagent.kubelet.deviceplugin.TopologyInfo;
import io.topogpu.nodeagent.plugin.AllocationCore;
import io.topogpu.nodeagent.plugin.Grant;
import io.topogpu.nodeagent.plugin.PluginDevice;
import java.util.List;

/**
 * The {@code v1beta1.DevicePlugin} service of one resource: translates to and from {@link
 * AllocationCore} and {@link DeviceFeed}, nothing more.
 */
final class DevicePluginService extends DevicePluginGrpc.DevicePluginImplBase {
  static final String HEALTHY = "Healthy";
  static final String UNHEALTHY = "Unhealthy";

  private final String resource;
  private final AllocationCore core;
  private final DeviceFeed feed;

  DevicePluginService(String resource, AllocationCore core, DeviceFeed feed) {
    this.resource = resource;
    this.core = core;
    this.feed = feed;
  }

  static DevicePluginOptions options() {
    return DevicePluginOptions.newBuilder().setGetPreferredAllocationAvailable(true).build();
  }

  @Override
  public void getDevicePluginOptions(Empty request, StreamObserver<DevicePluginOptions> out) {
    out.onNext(options());
    out.onCompleted();
  }

  @Override
  public void listAndWatch(Empty request, StreamObserver<ListAndWatchResponse> out) {
    ServerCallStreamObserver<ListAndWatchResponse> call = (ServerCallStreamObserver<ListAndWatchResponse>) out;
    Runnable unsubscribe = feed.subscribe(resource, devices -> {
      synchronized (call) {
        if (!call.isCancelled()) {
          call.onNext(response(devices));
        }
      }
    });
    call.setOnCancelHandler(unsubscribe::run);
  }

  static ListAndWatchResponse response(List<PluginDevice> devices) {
    ListAndWatchResponse.Builder b = ListAndWatchResponse.newBuilder();
    for (PluginDevice d : devices) {
      Device.Builder dev = Device.newBuilder().setID(d.id()).setHealth(d.healthy() ? HEALTHY : UNHEALTHY);
      if (d.numa() >= 0) {
        dev.setTopology(TopologyInfo.newBuilder().addNodes(NUMANode.newBuilder().setID(d.numa())));
      }
      b.addDevices(dev);
    }
    return b.build();
  }

  @Override
  public void getPreferredAllocation(PreferredAllocationRequest request, StreamObserver<PreferredAllocationResponse> out) {
    PreferredAllocationResponse.Builder b = PreferredAllocationResponse.newBuilder();
    for (ContainerPreferredAllocationRequest c : request.getContainerRequestsList()) {
      List<String> ids = core.preferred(resource, c.getAvailableDeviceIDsList(), c.getMustIncludeDeviceIDsList(),
          c.getAllocationSize());
      b.addContainerResponses(ContainerPreferredAllocationResponse.newBuilder().addAllDeviceIDs(ids));
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void allocate(AllocateRequest request, StreamObserver<AllocateResponse> out) {
    AllocateResponse.Builder b = AllocateResponse.newBuilder();
    for (ContainerAllocateRequest c : request.getContainerRequestsList()) {
      Grant g = core.allocate(resource, c.getDevicesIDsList());
      ContainerAllocateResponse.Builder r = ContainerAllocateResponse.newBuilder().putAllEnvs(g.envs());
      g.cdiDevices().forEach(name -> r.addCdiDevices(CDIDevice.newBuilder().setName(name)));
      b.addContainerResponses(r);
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public void preStartContainer(PreStartContainerRequest request, StreamObserver<PreStartContainerResponse> out) {
    out.onNext(PreStartContainerResponse.getDefaultInstance());
    out.onCompleted();
  }
}
