package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;

/**
 * A user handler deriving one event from each event whose payload is {@code key=value}: a derived
 * event named by the handler, on the topic {@code config.topic}, with the source's id, time and
 * priority, whose payload is the value (copied as a slice of the source's payload). Other events
 * derive nothing.
 */
public final class DerivingHandler implements ProcessorHandler {
  private String name;
  private String topic;

  @Override
  public void start(HandlerContext context) {
    name = context.name();
    topic = context.config().getString("topic");
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    int length = event.payloadLength();
    for (int i = 0; i < length; i++) {
      if (event.payloadByte(i) == '=') {
        sink.emit()
            .derived(name, topic, event.eventId(), event.receivedMillis(), event.priority())
            .payload(event, i + 1, length - i - 1);
        return;
      }
    }
  }
}
