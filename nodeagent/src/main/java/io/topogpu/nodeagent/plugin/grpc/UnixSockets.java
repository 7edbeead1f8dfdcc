package io.topogpu.nodeagent.plugin.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.grpc.BindableService;
import java.io.IOException;
import java.nio.file.Path;

/** gRPC over Unix domain sockets through Netty's epoll transport (Linux only), as the kubelet speaks it. */
public final class UnixSockets {
  private UnixSockets() {}

  /** @throws IllegalStateException naming the cause when the native epoll transport cannot load */
  public static void requireEpoll() {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("Netty's native epoll transport is unavailable, so Unix sockets cannot be served: "
          + Epoll.unavailabilityCause());
    }
  }

  public static Server serve(Path socket, EventLoopGroup group, BindableService... services) throws IOException {
    requireEpoll();
    NettyServerBuilder b = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group);
    for (BindableService s : services) {
      b.addService(s);
    }
    return b.build().start();
  }

  public static ManagedChannel dial(Path socket, EventLoopGroup group) {
    requireEpoll();
    return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toFile()))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(group)
        .usePlaintext()
        .build();
  }

  public static EventLoopGroup newGroup(int threads) {
    requireEpoll();
    return new EpollEventLoopGroup(threads);
  }
}
