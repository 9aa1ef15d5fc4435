package io.eventstreamcore.ingest.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.prometheus.metrics.core.metrics.Gauge;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts open connections and closes those beyond the configured maximum. */
@ChannelHandler.Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimitHandler.class);

  private final int maxConnections;
  private final Gauge active;
  private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;
  private static final AttributeKey<Boolean> REFUSED =
      AttributeKey.valueOf(ConnectionLimitHandler.class, "refused");

  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

  ConnectionLimitHandler(int maxConnections, Gauge active) {
    this.maxConnections = maxConnections;
    this.active = active;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    int now = open.incrementAndGet();
    if (now > maxConnections) {
      // Uncounted at once, not when its close has run: a refused connection must not hold a
      // place an accepted one frees meanwhile.
      open.decrementAndGet();
      ctx.channel().attr(REFUSED).set(Boolean.TRUE);
      warnRefused();
      ctx.close();
      return;
    }
    active.inc();
    LOG.debug("connection opened: {}", ctx.channel().remoteAddress());
    super.channelActive(ctx);
  }

  /** Warns at most every ten seconds, with the count refused since the last warning. */
  private void warnRefused() {
    long refusedNow = refused.incrementAndGet();
    long now = System.nanoTime();
    long last = lastWarnNanos.get();
    if (now - last >= WARN_INTERVAL_NANOS && lastWarnNanos.compareAndSet(last, now)) {
      LOG.warn(
          "connection limit {} reached; {} connection(s) refused so far",
          maxConnections,
          refusedNow);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().attr(REFUSED).get() == null) {
      open.decrementAndGet();
      active.dec();
    }
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
