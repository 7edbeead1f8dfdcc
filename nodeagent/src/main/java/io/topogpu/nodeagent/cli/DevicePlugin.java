package io.topogpu.nodeagent.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.topogpu.nodeagent.plugin.AllocationCore;
import io.topogpu.nodeagent.plugin.AllocationListener;
import io.topogpu.nodeagent.plugin.Reconciler;
import io.topogpu.nodeagent.plugin.DeviceIds;
import io.topogpu.nodeagent.plugin.GrantSettings;
import io.topogpu.nodeagent.plugin.KubeAllocationListener;
import io.topogpu.nodeagent.plugin.PendingPodsInformer;
import io.topogpu.nodeagent.plugin.grpc.DeviceFeed;
import io.topogpu.nodeagent.plugin.grpc.DevicePluginServer;
import io.topogpu.nodeagent.plugin.grpc.PodResourcesClient;
import io.topogpu.nodeagent.plugin.grpc.UnixSockets;
import io.topogpu.topology.Keys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The device-plugin part of {@code topogpu agent}: pod informer, PodResources client, gRPC
 * endpoints, and the reconciler that publishes each pod's actual devices.
 */
final class DevicePlugin implements AutoCloseable {
  /** How often the plugin checks its sockets and the kubelet's. */
  static final Duration WATCH_PERIOD = Duration.ofSeconds(1);
  /** How often the pods' topogpu.io/allocated is reconciled with PodResources, besides after each Allocate. */
  static final Duration RECONCILE_PERIOD = Duration.ofSeconds(30);
  /** How long after an Allocate the reconciler reads PodResources (the kubelet records it after the call). */
  static final Duration RECONCILE_SETTLE = Duration.ofSeconds(2);
  static final Predicate<String> OWNED = r -> r.equals(Keys.RESOURCE_GPU) || DeviceIds.isShare(r) || DeviceIds.isMig(r);

  private final PendingPodsInformer pods;
  private final EventLoopGroup group;
  private final PodResourcesClient podResources;
  private final DevicePluginServer server;
  private final Reconciler reconciler;

  private DevicePlugin(PendingPodsInformer pods, EventLoopGroup group, PodResourcesClient podResources,
      DevicePluginServer server, Reconciler reconciler) {
    this.reconciler = reconciler;
    this.pods = pods;
    this.group = group;
    this.podResources = podResources;
    this.server = server;
  }

  static DevicePlugin start(KubernetesClient client, String node, MeterRegistry registry, DeviceFeed feed, Path dir,
      Path podResourcesSocket, GrantSettings grants) {
    UnixSockets.requireEpoll();
    PendingPodsInformer pods = new PendingPodsInformer(client, node, OWNED);
    EventLoopGroup group = UnixSockets.newGroup(1);
    PodResourcesClient podResources = new PodResourcesClient(podResourcesSocket, group, OWNED);
    Reconciler reconciler = new Reconciler(client, node, pods::pods, podResources, feed::inventory, registry,
        RECONCILE_SETTLE);
    AllocationListener events = new KubeAllocationListener(client, registry, node);
    AllocationListener listener = (call, resource, outcome, pod, chosen, given) -> {
      events.decided(call, resource, outcome, pod, chosen, given);
      if (call.equals("allocate")) {
        reconciler.soon();
      }
    };
    AllocationCore core = new AllocationCore(feed::inventory, pods, podResources, listener, grants);
    DevicePluginServer server = new DevicePluginServer(dir, core, feed, WATCH_PERIOD);
    server.start();
    reconciler.start(RECONCILE_PERIOD);
    return new DevicePlugin(pods, group, podResources, server, reconciler);
  }

  @Override
  public void close() {
    try {
      reconciler.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
    podResources.close();
    pods.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
