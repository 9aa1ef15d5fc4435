package io.eventstreamcore.engine.event;

import java.util.Arrays;

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

  /** Most frames rejected before the connection asked for acks that are answered once it does. */
  static final int MAX_UNANSWERED = 1024;

  // Frames rejected before the connection asked for acks, and their codes; acknowledger only.
  private long[] unansweredFrames;
  private ErrorCode[] unansweredCodes;
  private int unanswered;
  private boolean tooManyUnanswered;
  private boolean closing;

  /**
   * Sends a cumulative ACK for every frame numbered up to {@code frameNo}. Called from the
   * acknowledger thread; implementations hand the write to their I/O thread.
   *
   * @return false when the connection cannot take more output now; the ACK is retried later
   */
  public abstract boolean sendAck(long frameNo);

  /** Sends an ERROR for one frame; called from the acknowledger thread, before any later ACK. */
  public abstract void sendError(long frameNo, ErrorCode code);

  /** Reads no more from the connection, and closes it after what was written so far is flushed. */
  public abstract void closeAfterFlush();

  /**
   * Acknowledger use only: remembers a frame rejected before the connection asked for acks. It got
   * no ERROR then (nothing is written to such a connection), and needs one before any ACK covers
   * it: {@link #answerEarlierRejections()}.
   */
  public final void rejectedBeforeAsked(long frameNo, ErrorCode code) {
    if (unanswered == MAX_UNANSWERED) {
      tooManyUnanswered = true;
      return;
    }
    if (unansweredFrames == null || unanswered == unansweredFrames.length) {
      int size = unansweredFrames == null ? 8 : 2 * unanswered;
      unansweredFrames =
          unansweredFrames == null ? new long[size] : Arrays.copyOf(unansweredFrames, size);
      unansweredCodes =
          unansweredCodes == null ? new ErrorCode[size] : Arrays.copyOf(unansweredCodes, size);
    }
    unansweredFrames[unanswered] = frameNo;
    unansweredCodes[unanswered] = code;
    unanswered++;
  }

  /**
   * Acknowledger use only, once the connection has asked for acks: sends the ERRORs of the frames
   * rejected before, so that they precede the first ACK, which covers them.
   *
   * @return false when more were rejected than are remembered: the connection is closed instead,
   *     and no ACK may be sent to it, since one would cover a frame without its ERROR
   */
  public final boolean answerEarlierRejections() {
    if (unanswered > 0) {
      for (int i = 0; i < unanswered; i++) {
        sendError(unansweredFrames[i], unansweredCodes[i]);
      }
      unanswered = 0;
      unansweredFrames = null;
      unansweredCodes = null;
    }
    if (tooManyUnanswered) {
      if (!closing) {
        closing = true; // once: every later event of the connection comes here too
        closeAfterFlush();
      }
      return false;
    }
    return true;
  }

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
