package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;

/**
 * A user handler deriving from each event one event, on its topic and named by the handler, whose
 * payload is the source's repeated {@code config.times} times: a derived event larger than any
 * event taken in.
 */
public final class RepeatingHandler implements ProcessorHandler {
  private String name;
  private int times;

  @Override
  public void start(HandlerContext context) {
    name = context.name();
    times = context.config().getInt("times");
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    int length = event.payloadLength();
    byte[] payload = sink.emit().derived(name, event).payloadBuffer(length * times);
    for (int i = 0; i < times; i++) {
      event.copyPayload(0, payload, i * length, length);
    }
  }
}
