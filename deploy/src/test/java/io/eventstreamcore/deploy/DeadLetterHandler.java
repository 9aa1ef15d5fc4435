package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.DeadLetterReason;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;

/**
 * A user handler that refuses every event whose payload starts with {@code 'X'}: it writes it as a
 * dead letter with the reason {@code config.reason} (default {@code handler}).
 */
public final class DeadLetterHandler implements ProcessorHandler {
  private DeadLetterReason reason = DeadLetterReason.HANDLER;

  @Override
  public void start(HandlerContext context) {
    if (context.config().hasPath("reason")) {
      reason = DeadLetterReason.ofLabel(context.config().getString("reason"));
    }
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    if (event.payloadLength() > 0 && event.payloadByte(0) == 'X') {
      sink.emit().deadLetter(reason, event);
    }
  }
}
