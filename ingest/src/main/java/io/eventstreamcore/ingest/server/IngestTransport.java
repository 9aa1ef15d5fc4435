package io.eventstreamcore.ingest.server;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.Locale;

/**
 * The socket transport of the ingest server ({@code eventstream.ingest.transport}): Linux's native
 * epoll, which reads into Netty's buffers by address (no {@code ByteBuffer} view per read) with
 * fewer system calls, or the JDK's NIO, which runs everywhere.
 */
enum IngestTransport {
  EPOLL,
  NIO;

  /**
   * The transport {@code name} names: {@code auto} (epoll where it is available, else nio), {@code
   * epoll} or {@code nio}.
   *
   * @throws IllegalArgumentException for another name, or epoll where it is not available
   */
  static IngestTransport of(String name) {
    switch (name) {
      case "auto":
        return Epoll.isAvailable() ? EPOLL : NIO;
      case "epoll":
        if (!Epoll.isAvailable()) {
          throw new IllegalArgumentException(
              "epoll is not available here (" + Epoll.unavailabilityCause() + "): use auto or nio");
        }
        return EPOLL;
      case "nio":
        return NIO;
      default:
        throw new IllegalArgumentException("is not one of auto, epoll, nio");
    }
  }

  IoHandlerFactory ioHandlerFactory() {
    return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  Class<? extends ServerSocketChannel> serverChannelClass() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
