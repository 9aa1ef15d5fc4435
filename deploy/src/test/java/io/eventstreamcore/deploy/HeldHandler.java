package io.eventstreamcore.deploy;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.spi.HandlerContext;
import io.eventstreamcore.engine.spi.ProcessorHandler;
import io.eventstreamcore.engine.spi.RecordSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test handler named in configuration that holds its first event until the test releases it, and
 * records the ids it handles. One test at a time uses it: {@link #reset} before starting the
 * service.
 */
public final class HeldHandler implements ProcessorHandler {
  static volatile CountDownLatch entered = new CountDownLatch(1);
  static volatile CountDownLatch release = new CountDownLatch(1);
  static final List<Long> SEEN = new CopyOnWriteArrayList<>();

  private CountDownLatch myEntered;
  private CountDownLatch myRelease;

  static void reset() {
    entered = new CountDownLatch(1);
    release = new CountDownLatch(1);
    SEEN.clear();
  }

  @Override
  public void start(HandlerContext context) {
    myEntered = entered;
    myRelease = release;
  }

  @Override
  public void onEvent(EventView event, RecordSink sink) {
    SEEN.add(event.eventId());
    myEntered.countDown();
    try {
      if (!myRelease.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
