package io.eventstreamcore.processors.handlers;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;

/** A handler without a no-argument constructor. */
public final class NoDefaultConstructorHandler implements ProcessorHandler {
  private final int threshold;

  /** Takes an argument configuration cannot give. */
  public NoDefaultConstructorHandler(int threshold) {
    this.threshold = threshold;
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    if (event.payloadLength() > threshold) {
      sink.remainingForEvent();
    }
  }
}
