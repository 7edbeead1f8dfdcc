package io.topogpu.nodeagent.plugin.grpc;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.netty.channel.EventLoopGroup;
import io.topogpu.nodeagent.kubelet.deviceplugin.RegisterRequest;
import io.topogpu.nodeagent.kubelet.deviceplugin.RegistrationGrpc;
import io.topogpu.nodeagent.plugin.AllocationCore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device-plugin endpoint per resource that has devices, each on its own socket {@code
 * topogpu-<resource>.sock} in the kubelet's device-plugin folder, registered with the kubelet's
 * {@code kubelet.sock}. Every {@code watchPeriod} it checks that its sockets still exist, that
 * {@code kubelet.sock} is the one it registered with (a restarted kubelet deletes every socket and
 * creates a new {@code kubelet.sock}) and that the set of resources is unchanged (MIG
 * reconfigured); if not, it serves again and re-registers. A registration that fails is retried at
 * the next check.
 */
public final class DevicePluginServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DevicePluginServer.class);
  public static final String KUBELET_SOCKET = "kubelet.sock";
  public static final String API_VERSION = "v1beta1";

  private final Path dir;
  private final AllocationCore core;
  private final DeviceFeed feed;
  private final Duration watchPeriod;
  private final EventLoopGroup group = UnixSockets.newGroup(2);
  private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "topogpu-device-plugin-watch");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Server> servers = new LinkedHashMap<>();
  private final AtomicInteger registrations = new AtomicInteger();
  private Object kubeletIdentity;
  private boolean registered;

  public DevicePluginServer(Path dir, AllocationCore core, DeviceFeed feed, Duration watchPeriod) {
    this.dir = dir;
    this.core = core;
    this.feed = feed;
    this.watchPeriod = watchPeriod;
  }

  public static String socketName(String resource) {
    return "topogpu-" + resource.replaceAll("[^A-Za-z0-9.-]", "_") + ".sock";
  }

  public void start() {
    watcher.scheduleWithFixedDelay(this::check, 0, watchPeriod.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Completed registrations since start, all resources counted. */
  public int registrations() {
    return registrations.get();
  }

  public synchronized Set<String> resources() {
    return Set.copyOf(servers.keySet());
  }

  private synchronized void check() {
    try {
      Object identity = identity(dir.resolve(KUBELET_SOCKET));
      boolean socketsGone = servers.keySet().stream().anyMatch(r -> !Files.exists(dir.resolve(socketName(r))));
      boolean resourcesChanged = !wanted().equals(servers.keySet());
      if (socketsGone || resourcesChanged || !Objects.equals(identity, kubeletIdentity) || !registered) {
        if (registered) {
          LOG.info("kubelet restarted or sockets removed: serving again {} {}", kv("socketsGone", socketsGone),
              kv("resourcesChanged", resourcesChanged));
        }
        serve();
        registered = identity != null && register();
        kubeletIdentity = registered ? identity : null;
      }
    } catch (RuntimeException | IOException e) {
      registered = false;
      LOG.warn("device plugin check failed, retrying: {}", kv("error", String.valueOf(e.getMessage())));
    }
  }

  private Set<String> wanted() {
    Set<String> out = new TreeSet<>();
    feed.inventory().byResource().forEach((r, devices) -> {
      if (!devices.isEmpty()) {
        out.add(r);
      }
    });
    return out;
  }

  private void serve() throws IOException {
    stopServers();
    for (String resource : wanted()) {
      Path socket = dir.resolve(socketName(resource));
      Files.deleteIfExists(socket);
      servers.put(resource, UnixSockets.serve(socket, group, new DevicePluginService(resource, core, feed)));
    }
  }

  private boolean register() {
    ManagedChannel channel = UnixSockets.dial(dir.resolve(KUBELET_SOCKET), group);
    try {
      RegistrationGrpc.RegistrationBlockingStub kubelet = RegistrationGrpc.newBlockingStub(channel);
      for (String resource : servers.keySet()) {
        kubelet.withDeadlineAfter(10, TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
            .setVersion(API_VERSION)
            .setEndpoint(socketName(resource))
            .setResourceName(resource)
            .setOptions(DevicePluginService.options())
            .build());
        registrations.incrementAndGet();
        LOG.info("registered with the kubelet: {} {}", kv("resource", resource), kv("endpoint", socketName(resource)));
      }
      return true;
    } catch (RuntimeException e) {
      LOG.warn("registration with {} failed, retrying: {}", dir.resolve(KUBELET_SOCKET), kv("error", String.valueOf(e.getMessage())));
      return false;
    } finally {
      channel.shutdownNow();
    }
  }

  /** The socket file's identity (inode and creation time), null when absent. */
  private static Object identity(Path socket) {
    try {
      BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class);
      return List.of(String.valueOf(a.fileKey()), a.creationTime().toMillis(), a.lastModifiedTime().toMillis());
    } catch (IOException e) {
      return null;
    }
  }

  private void stopServers() {
    List<Server> old = new ArrayList<>(servers.values());
    servers.clear();
    for (Server s : old) {
      s.shutdownNow();
    }
    for (Server s : old) {
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public synchronized void close() {
    watcher.shutdownNow();
    for (String r : List.copyOf(servers.keySet())) {
      try {
        Files.deleteIfExists(dir.resolve(socketName(r)));
      } catch (IOException e) {
        LOG.debug("cannot remove socket", e);
      }
    }
    stopServers();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
