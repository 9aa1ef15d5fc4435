package io.eventstreamcore.processors.handlers;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;

/** A handler whose constructor throws. */
public final class FailingConstructorHandler implements ProcessorHandler {
  /** Always fails. */
  public FailingConstructorHandler() {
    throw new IllegalStateException("license file missing");
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {}
}
