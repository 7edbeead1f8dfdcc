package io.topogpu.nodeagent.plugin.grpc;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.grpc.ManagedChannel;
import io.netty.channel.EventLoopGroup;
import io.topogpu.nodeagent.kubelet.podresources.ContainerDevices;
import io.topogpu.nodeagent.kubelet.podresources.ContainerResources;
import io.topogpu.nodeagent.kubelet.podresources.ListPodResourcesRequest;
import io.topogpu.nodeagent.kubelet.podresources.PodResources;
import io.topogpu.nodeagent.kubelet.podresources.PodResourcesListerGrpc;
import io.topogpu.nodeagent.plugin.KubeletAllocations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's PodResources {@code List}, restricted to the resources this agent owns. A failed
 * call (kubelet restarting, rate limit) answers the last good result, so a decision never fails
 * for it; the channel re-dials the socket path, which survives a kubelet restart when the folder,
 * not the file, is mounted.
 */
public final class PodResourcesClient implements Supplier<KubeletAllocations>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodResourcesClient.class);
  private final ManagedChannel channel;
  private final java.util.function.Predicate<String> owned;
  private volatile KubeletAllocations last = KubeletAllocations.NONE;

  public PodResourcesClient(Path socket, EventLoopGroup group, java.util.function.Predicate<String> ownedResource) {
    this.channel = UnixSockets.dial(socket, group);
    this.owned = ownedResource;
  }

  @Override
  public KubeletAllocations get() {
    try {
      List<PodResources> pods = PodResourcesListerGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
          .list(ListPodResourcesRequest.getDefaultInstance()).getPodResourcesList();
      last = translate(pods, owned);
    } catch (RuntimeException e) {
      LOG.warn("PodResources List failed, using the last result: {}", kv("error", String.valueOf(e.getMessage())));
    }
    return last;
  }

  static KubeletAllocations translate(List<PodResources> pods, java.util.function.Predicate<String> owned) {
    Map<String, Map<String, Map<String, List<String>>>> out = new HashMap<>();
    for (PodResources p : pods) {
      for (ContainerResources c : p.getContainersList()) {
        for (ContainerDevices d : c.getDevicesList()) {
          if (owned.test(d.getResourceName()) && d.getDeviceIdsCount() > 0) {
            out.computeIfAbsent(p.getNamespace() + "/" + p.getName(), k -> new HashMap<>())
                .computeIfAbsent(c.getName(), k -> new HashMap<>())
                .computeIfAbsent(d.getResourceName(), k -> new ArrayList<>())
                .addAll(d.getDeviceIdsList());
          }
        }
      }
    }
    return new KubeletAllocations(out);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

}
