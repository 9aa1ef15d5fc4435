package io.eventstreamcore.processors.handlers;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;

/** A handler that does nothing, to be named by class in configuration. */
public final class NoopHandler implements ProcessorHandler {
  @Override
  public void onEvent(EventView event, RecordSink sink) {}
}
