package io.eventstreamcore.ingest.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.LinkedHashSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The admin server's connections, at most {@code max-connections} of them. Health probes must get
 * in whatever other clients do, so a place is never held for long by a connection that asks for
 * nothing: when a new connection comes at the bound, the one idle longest (open, between requests)
 * is closed to make room, and the new one is refused only when every connection is in the middle of
 * a request; and a request must arrive whole within a deadline of its first byte, so that one sent
 * a byte at a time cannot keep its connection out of reach for long.
 *
 * <p>Used on the admin server's one event loop only (its acceptor's as well).
 */
final class AdminConnections {
  private final int max;
  private final long requestDeadlineMillis;
  // Connections with no request in progress, the longest idle first.
  private final LinkedHashSet<Channel> idle = new LinkedHashSet<>();
  private int open;

  AdminConnections(int max, long requestDeadlineMillis) {
    this.max = max;
    this.requestDeadlineMillis = requestDeadlineMillis;
  }

  /**
   * Takes a new connection in, closing the longest idle one if the bound is reached; returns false,
   * having closed {@code ch}, when there is no idle one to close.
   */
  boolean admit(Channel ch) {
    if (open >= max) {
      Channel evicted = longestIdleWithNothingToWrite();
      if (evicted == null) {
        ch.close();
        return false;
      }
      idle.remove(evicted);
      evicted.close(); // counted out by its close listener
    }
    open++;
    idle.add(ch);
    ch.closeFuture()
        .addListener(
            closed -> {
              open--;
              idle.remove(ch);
            });
    return true;
  }

  /**
   * The idle connection to close, the longest idle first; not one whose last answer is still being
   * written (a large /metrics to a slow scraper).
   */
  private Channel longestIdleWithNothingToWrite() {
    for (Channel ch : idle) {
      ChannelOutboundBuffer unwritten = ch.unsafe().outboundBuffer();
      if (unwritten == null || unwritten.isEmpty()) {
        return ch;
      }
    }
    return null;
  }

  /**
   * The two handlers that follow one connection's requests: {@code [0]} goes before the HTTP
   * decoder and sees a request's first bytes, {@code [1]} after the aggregator and sees it whole.
   */
  ChannelHandler[] requestHandlers() {
    Request request = new Request();
    return new ChannelHandler[] {request.start, request.end};
  }

  /** One connection's request in progress, if any, and its deadline. */
  private final class Request {
    private ScheduledFuture<?> deadline;

    final ChannelHandler start =
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (deadline == null) {
              idle.remove(ctx.channel());
              deadline =
                  ctx.executor()
                      .schedule(
                          () -> {
                            ctx.close();
                          },
                          requestDeadlineMillis,
                          TimeUnit.MILLISECONDS);
            }
            ctx.fireChannelRead(msg);
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            if (deadline != null) {
              deadline.cancel(false);
            }
            ctx.fireChannelInactive();
          }
        };

    // A request the aggregator answers itself (413 for one too large, 417) never gets here: its
    // connection stays out of the idle list and the deadline closes it, unless another comes whole.
    final ChannelHandler end =
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpRequest && deadline != null) {
              deadline.cancel(false);
              deadline = null;
              if (ctx.channel().isActive()) {
                idle.add(ctx.channel()); // the most recently idle, last
              }
            }
            ctx.fireChannelRead(msg);
          }
        };
  }
}
