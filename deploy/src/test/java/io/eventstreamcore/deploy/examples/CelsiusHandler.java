package io.eventstreamcore.deploy.examples;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;

/**
 * Realtime example: normalises a sensor's raw reading (payload byte 0, unsigned, 0..255 over the
 * sensor's range {@code config.min}..{@code config.max} degrees Celsius) into a derived event named
 * by the handler, with the source's topic, id, time and priority, whose payload is the reading in
 * whole degrees as text (e.g. "32"), written straight into the record's reused buffer.
 */
public final class CelsiusHandler implements ProcessorHandler {
  private String name;
  private int min;
  private int max;

  @Override
  public void start(HandlerContext context) {
    name = context.name();
    min = context.config().getInt("min");
    max = context.config().getInt("max");
    if (min >= max || max - min > 10_000) {
      throw new IllegalArgumentException("config: need min < max, at most 10000 apart");
    }
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    if (event.payloadLength() == 0) {
      return;
    }
    int raw = event.payloadByte(0) & 0xff;
    int celsius = min + ((max - min) * raw + 127) / 255; // rounded to the nearest degree
    writeDecimal(sink.emit().derived(name, event), celsius);
  }

  /** Writes {@code value} as decimal text into the derived payload: no String, no allocation. */
  private static void writeDecimal(Record derived, int value) {
    int magnitude = Math.abs(value);
    int digits = 1;
    for (int rest = magnitude / 10; rest > 0; rest /= 10) {
      digits++;
    }
    int length = value < 0 ? digits + 1 : digits;
    byte[] text = derived.payloadBuffer(length);
    text[0] = '-'; // overwritten by the first digit when the value is not negative
    for (int i = length - 1; i >= length - digits; i--, magnitude /= 10) {
      text[i] = (byte) ('0' + magnitude % 10);
    }
  }
}
