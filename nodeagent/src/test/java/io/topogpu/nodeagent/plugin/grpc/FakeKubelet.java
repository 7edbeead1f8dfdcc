package io.topogpu.nodeagent.plugin.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.topogpu.nodeagent.kubelet.deviceplugin.AllocateRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.ContainerAllocateRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.ContainerAllocateResponse;
import io.topogpu.nodeagent.kubelet.deviceplugin.ContainerPreferredAllocationRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.Device;
import io.topogpu.nodeagent.kubelet.deviceplugin.DevicePluginGrpc;
import io.topogpu.nodeagent.kubelet.deviceplugin.Empty;
import io.topogpu.nodeagent.kubelet.deviceplugin.ListAndWatchResponse;
import io.topogpu.nodeagent.kubelet.deviceplugin.PreferredAllocationRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.RegisterRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.RegistrationGrpc;
import io.topogpu.nodeagent.kubelet.podresources.ContainerDevices;
import io.topogpu.nodeagent.kubelet.podresources.ContainerResources;
import io.topogpu.nodeagent.kubelet.podresources.ListPodResourcesRequest;
import io.topogpu.nodeagent.kubelet.podresources.ListPodResourcesResponse;
import io.topogpu.nodeagent.kubelet.podresources.PodResources;
import io.topogpu.nodeagent.kubelet.podresources.PodResourcesListerGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A stand-in for the kubelet's device manager, for what a real kubelet cannot be made to do on
 * demand. It serves {@code v1beta1.Registration} on {@code kubelet.sock} and PodResources on its own
 * socket, and admits containers in the kubelet's order: available = healthy devices from the
 * plugin's first ListAndWatch list minus those allocated; GetPreferredAllocation only when more are
 * available than needed, its answer used when it has the right size and is available; then Allocate.
 * A restart deletes every socket in the folder, as the kubelet does.
 */
final class FakeKubelet implements AutoCloseable {
  record Admission(List<String> ids, Map<String, String> envs) {}

  private final Path dir;
  private final Path podResourcesSocket;
  private final EventLoopGroup group = UnixSockets.newGroup(2);
  private final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
  /** pod key → container → resource → IDs; what PodResources reports. */
  final Map<String, Map<String, Map<String, List<String>>>> allocated = new ConcurrentHashMap<>();
  final AtomicInteger preferredCalls = new AtomicInteger();
  private final List<ManagedChannel> watchChannels = new CopyOnWriteArrayList<>();
  private Server registration;
  private final Server podResources;

  FakeKubelet(Path dir, Path podResourcesSocket) throws IOException {
    this.dir = dir;
    this.podResourcesSocket = podResourcesSocket;
    startRegistration();
    podResources = UnixSockets.serve(podResourcesSocket, group, new PodResourcesListerGrpc.PodResourcesListerImplBase() {
      @Override
      public void list(ListPodResourcesRequest request, StreamObserver<ListPodResourcesResponse> out) {
        ListPodResourcesResponse.Builder b = ListPodResourcesResponse.newBuilder();
        allocated.forEach((pod, containers) -> {
          String[] nsName = pod.split("/", 2);
          PodResources.Builder p = PodResources.newBuilder().setNamespace(nsName[0]).setName(nsName[1]);
          containers.forEach((c, byResource) -> {
            ContainerResources.Builder cr = ContainerResources.newBuilder().setName(c);
            byResource.forEach((r, ids) -> cr.addDevices(ContainerDevices.newBuilder().setResourceName(r).addAllDeviceIds(ids)));
            p.addContainers(cr);
          });
          b.addPodResources(p);
        });
        out.onNext(b.build());
        out.onCompleted();
      }
    });
  }

  private void startRegistration() throws IOException {
    registration = UnixSockets.serve(dir.resolve(DevicePluginServer.KUBELET_SOCKET), group,
        new RegistrationGrpc.RegistrationImplBase() {
          @Override
          public void register(RegisterRequest request, StreamObserver<io.topogpu.nodeagent.kubelet.deviceplugin.Empty> out) {
            registrations.add(request);
            out.onNext(io.topogpu.nodeagent.kubelet.deviceplugin.Empty.getDefaultInstance());
            out.onCompleted();
          }
        });
  }

  List<RegisterRequest> registrations() {
    return List.copyOf(registrations);
  }

  /** Stops, deletes every socket in the folder (the plugin's included) and starts again. */
  void restart() throws IOException, InterruptedException {
    registration.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".sock")).toList()) {
        Files.deleteIfExists(p);
      }
    }
    startRegistration();
  }

  /**
   * Opens a ListAndWatch stream on the plugin registered last for {@code resource}, as the kubelet
   * keeps one; every list it sends is appended to the answer as device ID → health.
   */
  List<Map<String, String>> watch(String resource) {
    RegisterRequest reg = registrations.stream().filter(r -> r.getResourceName().equals(resource))
        .reduce((a, b) -> b).orElseThrow(() -> new IllegalStateException("no plugin registered for " + resource));
    ManagedChannel ch = UnixSockets.dial(dir.resolve(reg.getEndpoint()), group);
    watchChannels.add(ch);
    List<Map<String, String>> lists = new CopyOnWriteArrayList<>();
    DevicePluginGrpc.newStub(ch).listAndWatch(Empty.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(ListAndWatchResponse r) {
        Map<String, String> health = new java.util.LinkedHashMap<>();
        r.getDevicesList().forEach(d -> health.put(d.getID(), d.getHealth()));
        lists.add(health);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    return lists;
  }

  /** Admits one container asking for {@code size} devices of {@code resource}, for pod {@code podKey}. */
  Admission admit(String podKey, String container, String resource, int size) {
    RegisterRequest reg = registrations.stream().filter(r -> r.getResourceName().equals(resource))
        .reduce((a, b) -> b).orElseThrow(() -> new IllegalStateException("no plugin registered for " + resource));
    ManagedChannel ch = UnixSockets.dial(dir.resolve(reg.getEndpoint()), group);
    try {
      DevicePluginGrpc.DevicePluginBlockingStub plugin = DevicePluginGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
      Iterator<ListAndWatchResponse> watch = plugin.listAndWatch(Empty.getDefaultInstance());
      Set<String> inUse = new HashSet<>();
      allocated.values().forEach(cs -> cs.values().forEach(rs -> inUse.addAll(rs.getOrDefault(resource, List.of()))));
      List<String> available = new ArrayList<>();
      for (Device d : watch.next().getDevicesList()) {
        if (d.getHealth().equals("Healthy") && !inUse.contains(d.getID())) {
          available.add(d.getID());
        }
      }
      if (available.size() < size) {
        throw new IllegalStateException("only " + available.size() + " " + resource + " available, " + size + " asked");
      }
      List<String> chosen = new ArrayList<>(available.subList(0, size));
      if (available.size() > size) {
        preferredCalls.incrementAndGet();
        List<String> preferred = plugin.getPreferredAllocation(PreferredAllocationRequest.newBuilder()
            .addContainerRequests(ContainerPreferredAllocationRequest.newBuilder()
                .addAllAvailableDeviceIDs(available).setAllocationSize(size))
            .build()).getContainerResponses(0).getDeviceIDsList();
        if (preferred.size() == size && available.containsAll(preferred)) {
          chosen = preferred;
        }
      }
      ContainerAllocateResponse r = plugin.allocate(AllocateRequest.newBuilder()
          .addContainerRequests(ContainerAllocateRequest.newBuilder().addAllDevicesIDs(chosen)).build())
          .getContainerResponses(0);
      allocated.computeIfAbsent(podKey, k -> new ConcurrentHashMap<>())
          .computeIfAbsent(container, k -> new ConcurrentHashMap<>()).put(resource, List.copyOf(chosen));
      return new Admission(List.copyOf(chosen), r.getEnvsMap());
    } finally {
      ch.shutdownNow();
    }
  }

  @Override
  public void close() throws InterruptedException {
    watchChannels.forEach(ManagedChannel::shutdownNow);
    registration.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    podResources.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  Path podResourcesSocket() {
    return podResourcesSocket;
  }
}
