package io.eventstreamcore.ingest.server;

import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.ingest.codec.ResponseEncoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/**
 * One client connection as the acknowledger sees it. Writes are made from the acknowledger thread;
 * Netty hands them to the channel's event loop, which keeps them in call order.
 */
final class Connection extends AckTarget {
  private final Channel channel;

  Connection(Channel channel) {
    this.channel = channel;
  }

  @Override
  public boolean sendAck(long frameNo) {
    if (!channel.isActive()) {
      return true; // nobody to tell; the client resends what it did not see acknowledged
    }
    if (!channel.isWritable()) {
      return false; // client not reading: keep the ACK due, coalesce, retry later
    }
    channel.writeAndFlush(ResponseEncoder.ack(channel.alloc(), frameNo), channel.voidPromise());
    return true;
  }

  @Override
  public void sendError(long frameNo, ErrorCode code) {
    if (!channel.isActive()) {
      return;
    }
    if (!channel.isWritable()) {
      // The client asked for answers but does not read them: rather than queue ERRORs without
      // bound, close. Nothing acknowledged is lost; the client resends what was not.
      channel.close();
      return;
    }
    channel.writeAndFlush(
        ResponseEncoder.error(channel.alloc(), frameNo, code), channel.voidPromise());
  }

  @Override
  public void closeAfterFlush() {
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }
}
