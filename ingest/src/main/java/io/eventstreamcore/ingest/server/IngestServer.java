package io.eventstreamcore.ingest.server;

import io.eventstreamcore.engine.event.EventLimits;
import io.eventstreamcore.engine.metrics.EngineMetrics;
import io.eventstreamcore.engine.ring.EventPipeline;
import io.eventstreamcore.ingest.codec.FrameDecoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP ingest server: accepts producer connections and decodes their frames into the ring on its
 * I/O threads. Stop first stops accepting and reading, so that the ring can drain and the last ACKs
 * go out, then closes the connections.
 */
public final class IngestServer {
  private static final Logger LOG = LoggerFactory.getLogger(IngestServer.class);

  private final IngestSettings settings;
  private final EventLimits limits;
  private final EventPipeline pipeline;
  private final EngineMetrics metrics;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private EventLoopGroup bossGroup;
  private EventLoopGroup ioGroup;
  private Channel serverChannel;
  private volatile boolean stopping;
  private boolean closed;

  /**
   * Creates the server; nothing is bound until {@link #start()}.
   *
   * @param limits what the storage backends hold: frames beyond it are rejected on their own
   */
  public IngestServer(
      IngestSettings settings, EventLimits limits, EventPipeline pipeline, EngineMetrics metrics) {
    this.settings = settings;
    this.limits = limits;
    this.pipeline = pipeline;
    this.metrics = metrics;
  }

  /** Binds and starts accepting; returns the bound address (the port may have been 0). */
  public InetSocketAddress start() throws InterruptedException {
    bossGroup =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("eventstream-accept"), NioIoHandler.newFactory());
    ioGroup =
        new MultiThreadIoEventLoopGroup(
            settings.ioThreads(),
            new DefaultThreadFactory("eventstream-io"),
            NioIoHandler.newFactory());
    ConnectionLimitHandler limit =
        new ConnectionLimitHandler(settings.maxConnections(), metrics.connectionsActive());
    long resumeNanos = settings.resumeDelay().toNanos();
    long frameTimeoutNanos = settings.frameTimeout().toNanos();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(bossGroup, ioGroup)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // A peer gone without a word (power cut, cable pulled) would hold its connection,
            // and a place under max-connections, for ever: the kernel's probes find it.
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            // A client that shuts its output down still gets the answers to what it sent.
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (stopping) {
                      ch.close(); // accepted just before stop: it must not publish any more
                      return;
                    }
                    connections.add(ch);
                    Connection connection = new Connection(ch);
                    ch.pipeline()
                        .addLast(
                            "decoder",
                            new FrameDecoder(
                                    pipeline.publisher(),
                                    connection,
                                    pipeline.clock(),
                                    settings.maxFrameBytes(),
                                    limits,
                                    resumeNanos,
                                    metrics)
                                .frameTimeout(frameTimeoutNanos))
                        .addLast("limit", limit)
                        .addLast(
                            "half-close",
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void userEventTriggered(ChannelHandlerContext ctx, Object e) {
                                if (e instanceof FrameDecoder.InputEnded end) {
                                  connection.closeAfterAck(end.lastFrame());
                                } else {
                                  ctx.fireUserEventTriggered(e);
                                }
                              }
                            });
                  }
                });
    serverChannel = bootstrap.bind(settings.host(), settings.port()).sync().channel();
    InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
    LOG.info("ingest listening on {}", address);
    return address;
  }

  /** Stops accepting and stops reading every connection; connections stay open for final ACKs. */
  public void stopReading() throws InterruptedException {
    if (closed) {
      return;
    }
    stopping = true;
    if (serverChannel != null) {
      serverChannel.close().sync();
    }
    for (Channel channel : connections) {
      FrameDecoder decoder = channel.pipeline().get(FrameDecoder.class);
      if (decoder != null) {
        channel.eventLoop().submit(decoder::stopReading).await(1, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Closes every connection and the I/O threads. Called after the ring has drained, so each
   * connection has had its last ACK; one with frames left unhandled gets ERROR 6 first. Later calls
   * do nothing.
   */
  public void close() throws InterruptedException {
    if (closed) {
      return;
    }
    stopReading();
    closed = true;
    for (Channel channel : connections) {
      FrameDecoder decoder = channel.pipeline().get(FrameDecoder.class);
      if (decoder != null) {
        channel.eventLoop().submit(decoder::notifyShutdown).await(1, TimeUnit.SECONDS);
      }
    }
    connections.close().await(5, TimeUnit.SECONDS);
    if (ioGroup != null) {
      ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
      bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }
}
