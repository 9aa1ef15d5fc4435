package io.eventstreamcore.deploy.examples;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;

/**
 * Realtime example: alerts when a sensor reading (payload byte 0, unsigned) rises above {@code
 * config.threshold}, once per topic until the reading falls back below it.
 */
public final class HotSensorHandler implements ProcessorHandler {
  private String rule;
  private int threshold;
  private boolean[] hot; // per topic id, preallocated: no allocation per event

  @Override
  public void start(HandlerContext context) {
    rule = context.name();
    threshold = context.config().getInt("threshold");
    hot = new boolean[context.maxTopicIds()];
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    if (event.payloadLength() == 0) {
      return;
    }
    int reading = event.payloadByte(0) & 0xff;
    int topic = event.topicId();
    if (reading > threshold && !hot[topic]) {
      hot[topic] = true;
      sink.emit()
          .alert(rule, "CRITICAL", event.topic(), event.receivedMillis(), event.eventId(), reading);
    } else if (reading <= threshold) {
      hot[topic] = false;
    }
  }
}
