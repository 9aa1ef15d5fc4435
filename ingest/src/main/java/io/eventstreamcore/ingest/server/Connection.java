package io.eventstreamcore.ingest.server;

import io.eventstreamcore.engine.event.AckTarget;
import io.eventstreamcore.engine.event.ErrorCode;
import io.eventstreamcore.ingest.codec.ResponseEncoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection as the acknowledger sees it. The acknowledger records what is due and hands
 * the connection itself, as a task, to the channel's event loop, which encodes and writes: the
 * event loop allocates the frames from its own buffer cache and writes them without a hand-off
 * object, so ACKs cost no garbage, and while a task is pending later ACKs coalesce into it.
 *
 * <p>Order: the acknowledger queues a frame's ERROR before it marks an ACK covering that frame due,
 * and the task reads the due ACK before it drains the ERRORs, so an ERROR always goes out before
 * any ACK covering it. A close requested after them is queued on the event loop after the task.
 */
final class Connection extends AckTarget implements Runnable {
  private final Channel channel;
  private final Queue<PendingError> errors = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  // Written by the acknowledger, read by the event loop's task.
  private volatile long dueAck;
  // Event loop only.
  private long writtenAck;

  private record PendingError(long frameNo, ErrorCode code) {}

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
    dueAck = frameNo;
    schedule();
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
    errors.add(new PendingError(frameNo, code));
    schedule();
  }

  @Override
  public void closeAfterFlush() {
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  private void schedule() {
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      try {
        channel.eventLoop().execute(this);
      } catch (RejectedExecutionException e) {
        // The event loop has shut down with the server: its channels are closed, and their
        // clients resend what they did not see acknowledged.
        scheduled.set(false);
      }
    }
  }

  /** On the event loop: writes the queued ERRORs, then the due ACK, and flushes. */
  @Override
  public void run() {
    // Cleared first: whatever is marked due from here on schedules the task again.
    scheduled.set(false);
    if (!channel.isActive()) {
      errors.clear(); // nobody to tell; the client resends what it did not see acknowledged
      return;
    }
    long ack = dueAck;
    PendingError error;
    while ((error = errors.poll()) != null) {
      channel.write(
          ResponseEncoder.error(channel.alloc(), error.frameNo(), error.code()),
          channel.voidPromise());
    }
    if (ack > writtenAck) {
      writtenAck = ack;
      channel.write(ResponseEncoder.ack(channel.alloc(), ack), channel.voidPromise());
    }
    channel.flush();
  }
}
