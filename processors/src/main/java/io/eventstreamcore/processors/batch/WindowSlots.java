package io.eventstreamcore.processors.batch;

import io.eventstreamcore.engine.record.Record;
import java.util.Arrays;

/**
 * The aggregates of open windows, in flat arrays indexed by topic id: {@code perTopic} slots per
 * topic, a window of start {@code s} in slot {@code (s / window) mod perTopic} of its topic.
 * Windows open at once on one topic are consecutive, and fewer than {@code perTopic}, so no two
 * share a slot. A slot with a count of 0 is free. The arrays cover the topic ids seen so far and
 * grow with them ({@link #ensureTopics}).
 */
final class WindowSlots {
  private final long windowMillis;
  private final int perTopic;
  private long[] start;
  private long[] count;
  private long[] bytes;
  private long[] minSize;
  private long[] maxSize;
  private long[] first;
  private long[] last;
  private long[] minId;
  private long[] maxId;

  WindowSlots(int topicIds, int perTopic, long windowMillis) {
    this.windowMillis = windowMillis;
    this.perTopic = perTopic;
    int n = Math.multiplyExact(topicIds, perTopic);
    start = new long[n];
    count = new long[n];
    bytes = new long[n];
    minSize = new long[n];
    maxSize = new long[n];
    first = new long[n];
    last = new long[n];
    minId = new long[n];
    maxId = new long[n];
  }

  /** Makes room for topic ids {@code 0..topicIds-1}, keeping every open window. */
  void ensureTopics(int topicIds) {
    int n = Math.multiplyExact(topicIds, perTopic);
    if (n <= count.length) {
      return;
    }
    // Every copy first, then the fields: running out of memory half way leaves them as they were,
    // never of different lengths.
    long[] newStart = Arrays.copyOf(start, n);
    long[] newCount = Arrays.copyOf(count, n);
    long[] newBytes = Arrays.copyOf(bytes, n);
    long[] newMinSize = Arrays.copyOf(minSize, n);
    long[] newMaxSize = Arrays.copyOf(maxSize, n);
    long[] newFirst = Arrays.copyOf(first, n);
    long[] newLast = Arrays.copyOf(last, n);
    long[] newMinId = Arrays.copyOf(minId, n);
    long[] newMaxId = Arrays.copyOf(maxId, n);
    start = newStart;
    count = newCount;
    bytes = newBytes;
    minSize = newMinSize;
    maxSize = newMaxSize;
    first = newFirst;
    last = newLast;
    minId = newMinId;
    maxId = newMaxId;
  }

  /** Slots per topic. */
  int perTopic() {
    return perTopic;
  }

  /** The slot of topic {@code topic}'s window starting at {@code windowStart}. */
  int slot(int topic, long windowStart) {
    long index = Math.floorDiv(windowStart, windowMillis);
    return topic * perTopic + Math.floorMod(index, perTopic);
  }

  /** The first slot of {@code topic}; its others follow. */
  int firstSlot(int topic) {
    return topic * perTopic;
  }

  boolean isOpen(int slot) {
    return count[slot] > 0;
  }

  long start(int slot) {
    return start[slot];
  }

  long end(int slot) {
    return start[slot] + windowMillis;
  }

  long count(int slot) {
    return count[slot];
  }

  /**
   * Adds an event at {@code timeMillis} to the window starting at {@code windowStart} held in
   * {@code slot}, opening it there when the slot is free.
   */
  void add(int slot, long windowStart, long timeMillis, int payloadBytes, long eventId) {
    if (count[slot] == 0) {
      start[slot] = windowStart;
      bytes[slot] = 0;
      minSize[slot] = payloadBytes;
      maxSize[slot] = payloadBytes;
      first[slot] = timeMillis;
      last[slot] = timeMillis;
      minId[slot] = 0;
      maxId[slot] = 0;
    }
    count[slot]++;
    bytes[slot] += payloadBytes;
    minSize[slot] = Math.min(minSize[slot], payloadBytes);
    maxSize[slot] = Math.max(maxSize[slot], payloadBytes);
    first[slot] = Math.min(first[slot], timeMillis);
    last[slot] = Math.max(last[slot], timeMillis);
    if (eventId != 0) {
      // event_id is a u64 on the wire: compare unsigned; 0 means "no id" and is left out.
      minId[slot] =
          minId[slot] == 0 || Long.compareUnsigned(eventId, minId[slot]) < 0
              ? eventId
              : minId[slot];
      maxId[slot] =
          maxId[slot] == 0 || Long.compareUnsigned(eventId, maxId[slot]) > 0
              ? eventId
              : maxId[slot];
    }
  }

  /** Fills {@code record} with the summary of the window in {@code slot} and frees the slot. */
  void close(int slot, String topic, Record record) {
    record
        .window(
            topic,
            start[slot],
            start[slot] + windowMillis,
            count[slot],
            bytes[slot],
            minId[slot],
            maxId[slot])
        .payloadSizes(minSize[slot], maxSize[slot])
        .eventTimes(first[slot], last[slot]);
    count[slot] = 0;
  }
}
