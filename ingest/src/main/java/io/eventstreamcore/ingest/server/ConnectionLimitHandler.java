package io.eventstreamcore.ingest.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.prometheus.metrics.core.metrics.Gauge;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts open connections and closes those beyond the configured maximum. */
@ChannelHandler.Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimitHandler.class);

  private final int maxConnections;
  private final Gauge active;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionLimitHandler(int maxConnections, Gauge active) {
    this.maxConnections = maxConnections;
    this.active = active;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    int now = open.incrementAndGet();
    active.inc();
    if (now > maxConnections) {
      LOG.warn(
          "connection limit {} reached; closing {}", maxConnections, ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    LOG.debug("connection opened: {}", ctx.channel().remoteAddress());
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    open.decrementAndGet();
    active.dec();
    LOG.debug("connection closed: {}", ctx.channel().remoteAddress());
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A broken connection closes that channel only.
    LOG.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
