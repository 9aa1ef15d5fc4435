package io.eventstreamcore.processors;

import io.eventstreamcore.engine.record.Record;
import io.eventstreamcore.engine.spi.RecordSink;
import io.eventstreamcore.engine.spi.StoredRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * A record sink for handler tests: a small array of preallocated engine records, as the engine's
 * record queue has. Its capacity is also the bound {@link #remainingForEvent()} reports, so a test
 * can give a handler less room than it wants.
 */
public final class ArrayRecordSink implements RecordSink {
  private final Record[] records;
  private int size;

  /** Creates a sink holding at most {@code capacity} records until {@link #clear()}. */
  public ArrayRecordSink(int capacity) {
    records = new Record[capacity];
    for (int i = 0; i < capacity; i++) {
      records[i] = new Record();
    }
  }

  @Override
  public Record emit() {
    if (size == records.length) {
      throw new IllegalStateException("sink full: " + size + " records");
    }
    return records[size++];
  }

  @Override
  public int remainingForEvent() {
    return records.length - size;
  }

  /** Copies of the records emitted since the last clear, in order. */
  public List<StoredRecord> records() {
    List<StoredRecord> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      out.add(StoredRecord.of(records[i]));
    }
    return out;
  }

  /** Forgets the records emitted so far; the record objects are reused, as the engine does. */
  public void clear() {
    size = 0;
  }
}
