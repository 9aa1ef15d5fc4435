package io.eventstreamcore.deploy.cli;

import io.eventstreamcore.ingest.client.ProducerEvent;
import io.eventstreamcore.ingest.client.ProducerListener;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/** A producer listener for the commands that send: prints each rejected event and counts them. */
final class RejectionReport implements ProducerListener {
  private final PrintWriter err;
  private final AtomicLong rejected = new AtomicLong();

  RejectionReport(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void rejected(ProducerEvent event, int code, String message) {
    rejected.incrementAndGet();
    err.println(
        "event " + Long.toUnsignedString(event.eventId()) + " rejected: " + code + " " + message);
  }

  /** Events rejected so far. */
  long count() {
    return rejected.get();
  }
}
