package io.eventstreamcore.ingest.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The admin HTTP server: metrics, health and status, on one small event loop of its own. */
public final class AdminHttpServer {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
  private static final int MAX_REQUEST_BYTES = 64 * 1024;
  // How long a request may take to arrive from its first byte: probes and scrapers send theirs at
  // once.
  private static final long REQUEST_DEADLINE_MILLIS = 10_000;

  private final AdminSettings settings;
  private final AdminHandler handler;
  private final long requestDeadlineMillis;
  private EventLoopGroup group;
  private Channel channel;

  /**
   * Creates the server over a registry, a liveness and a readiness check and a status document.
   *
   * @param live false once the service cannot recover without a restart
   * @param status renders the JSON served at {@code /status}; called on the admin thread per
   *     request
   */
  public AdminHttpServer(
      AdminSettings settings,
      PrometheusRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready,
      Supplier<String> status) {
    this(settings, registry, live, ready, status, REQUEST_DEADLINE_MILLIS);
  }

  /** As above, with the time a request may take to arrive: tests shorten it. */
  AdminHttpServer(
      AdminSettings settings,
      PrometheusRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready,
      Supplier<String> status,
      long requestDeadlineMillis) {
    this.settings = settings;
    this.handler = new AdminHandler(registry, live, ready, status);
    this.requestDeadlineMillis = requestDeadlineMillis;
  }

  /** Binds and serves; returns the bound address. */
  public InetSocketAddress start() throws InterruptedException {
    AdminConnections connections =
        new AdminConnections(settings.maxConnections(), requestDeadlineMillis);
    group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("eventstream-admin"), NioIoHandler.newFactory());
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (!connections.admit(ch)) {
                      return;
                    }
                    ChannelHandler[] request = connections.requestHandlers();
                    ch.pipeline()
                        .addLast(
                            new ReadTimeoutHandler(
                                settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                        .addLast(request[0])
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                        .addLast(request[1])
                        .addLast(handler);
                  }
                })
            .bind(settings.host(), settings.port())
            .sync()
            .channel();
    InetSocketAddress address = (InetSocketAddress) channel.localAddress();
    LOG.info("admin HTTP on http://{}:{}/metrics", address.getHostString(), address.getPort());
    return address;
  }

  /** Stops serving. */
  public void close() throws InterruptedException {
    if (channel != null) {
      channel.close().sync();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }
}
