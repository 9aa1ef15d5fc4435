package io.eventstreamcore.engine.ring;

import io.eventstreamcore.engine.event.EventView;
import io.eventstreamcore.engine.record.RecordView;
import io.eventstreamcore.engine.spi.StorageBackend;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend for outage tests: fails appends while it is down, or for its first few appends, and
 * otherwise hands everything to a {@link CollectingBackend}.
 */
final class FlakyBackend implements StorageBackend {
  private final CollectingBackend delegate;
  private final AtomicInteger failuresLeft;
  private final AtomicInteger failures = new AtomicInteger();
  private final boolean durable;
  private volatile boolean down;

  FlakyBackend(CollectingBackend delegate, int failFirstAppends) {
    this(delegate, failFirstAppends, true);
  }

  FlakyBackend(CollectingBackend delegate, int failFirstAppends, boolean durable) {
    this.delegate = delegate;
    this.failuresLeft = new AtomicInteger(failFirstAppends);
    this.durable = durable;
  }

  /** Fails every append from now until {@link #recover()}. */
  void goDown() {
    down = true;
  }

  void recover() {
    down = false;
  }

  int failures() {
    return failures.get();
  }

  private void maybeFail() throws IOException {
    if (down || failuresLeft.getAndDecrement() > 0) {
      failures.incrementAndGet();
      throw new IOException("storage outage");
    }
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public boolean durable() {
    return durable;
  }

  @Override
  public void append(EventView event) throws IOException {
    maybeFail();
    delegate.append(event);
  }

  @Override
  public void append(RecordView record) throws IOException {
    maybeFail();
    delegate.append(record);
  }

  @Override
  public void commit() {
    delegate.commit();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
