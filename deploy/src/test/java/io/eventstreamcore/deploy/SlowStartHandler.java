package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;

/** A handler whose start takes a minute: a service with it is starting for that long. */
public final class SlowStartHandler implements ProcessorHandler {
  @Override
  public void start(HandlerContext context) {
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {}
}
