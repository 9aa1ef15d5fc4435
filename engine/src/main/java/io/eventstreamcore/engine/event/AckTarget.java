package io.eventstreamcore.engine.event;

/**
 * The connection an event came from, as seen by the acknowledger at the end of the ring.
 *
 * <p>The coalescing fields ({@link #pendingAckFrame}, {@link #nextDirty}) belong to the
 * acknowledger thread alone: it is the only thread that reads or writes them, so they need no
 * synchronisation. They live here, on the connection object allocated once per connection, so that
 * coalescing ACKs allocates nothing per event.
 */
public abstract class AckTarget {
  /** Highest frame number due in the next ACK; acknowledger thread only. */
  long pendingAckFrame;

  /** Highest frame number already covered by an ACK sent; acknowledger thread only. */
  long sentAckFrame;

  /** Link in the acknowledger's list of connections with an ACK due; acknowledger thread only. */
  AckTarget nextDirty;

  /** True while on the acknowledger's dirty list; acknowledger thread only. */
  boolean dirty;

  /**
   * Sends a cumulative ACK for every frame numbered up to {@code frameNo}. Called from the
   * acknowledger thread; implementations hand the write to their I/O thread.
   *
   * @return false when the connection cannot take more output now; the ACK is retried later
   */
  public abstract boolean sendAck(long frameNo);

  /** Sends an ERROR for one frame; called from the acknowledger thread, before any later ACK. */
  public abstract void sendError(long frameNo, ErrorCode code);

  /** Closes the connection after what was written so far is flushed. */
  public abstract void closeAfterFlush();

  /** Acknowledger use only: marks {@code frameNo} as due and reports whether it was not yet. */
  public final boolean markDue(long frameNo) {
    if (frameNo > pendingAckFrame) {
      pendingAckFrame = frameNo;
    }
    if (dirty) {
      return false;
    }
    dirty = true;
    return true;
  }

  /** Acknowledger use only. */
  public final AckTarget nextDirty() {
    return nextDirty;
  }

  /** Acknowledger use only. */
  public final void nextDirty(AckTarget next) {
    nextDirty = next;
  }

  /** Acknowledger use only: sends the due ACK if any and reports whether it was sent. */
  public final boolean flushDue() {
    if (pendingAckFrame <= sentAckFrame) {
      dirty = false;
      return true;
    }
    if (!sendAck(pendingAckFrame)) {
      return false;
    }
    sentAckFrame = pendingAckFrame;
    dirty = false;
    return true;
  }
}
